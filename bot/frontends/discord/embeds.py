"""Answers as Discord embeds, inside every Discord limit.

Long answers become several pages (the paginator shows one at a time); text
that still does not fit is cut at a word boundary with a visible notice, never
silently mid-word.
"""

from __future__ import annotations

import discord

from bot.core.answers import Answer, Kind
from bot.core.wording import cite_short
from bot.output.text import footnotes, refs
from bot.shared.formats import plural, shorten

TITLE_WIDTH = 200
"""a title longer than this is shortened at a word (Discord allows 256, with a
notice none of it; a long question reads better cut with an ellipsis)"""
TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE, FOOTER, TOTAL = 256, 4096, 25, 256, 1024, 2048, 6000
MESSAGE = 2000
PAGE_LINES = 12
"""lines per page for long lists: a page should fit a phone screen"""

COLOURS = {
    Kind.COMPARISON: 0x5865F2, Kind.ENTITY: 0x3BA55C, Kind.ANSWER: 0x3BA55C,
    Kind.TIMELINE: 0xFAA61A, Kind.SOURCES: 0x99AAB5, Kind.ENTITIES: 0x99AAB5,
    Kind.HELP: 0x99AAB5, Kind.NOT_FOUND: 0xED4245, Kind.USAGE_ERROR: 0xED4245,
}


def clip(text: str, limit: int, notice: str = " …(cut)") -> str:
    """Fit text in limit characters, cutting at a word boundary with a notice."""
    if len(text) <= limit:
        return text
    if limit <= len(notice):  # no room for any text: the notice alone says something was cut
        return notice.strip()[:limit]
    room = limit - len(notice)
    head = text[:room]
    if " " in head[room // 2 :]:
        head = head[: head.rfind(" ")]
    return head.rstrip() + notice


_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
"""bidi embeddings, overrides and isolates: echoed, they reorder the bot's own text"""


def escape(text: str) -> str:
    """User text shown back (titles, queries) must not render as markdown."""
    return discord.utils.escape_markdown(discord.utils.escape_mentions(text.translate(_BIDI)))


def _footer(answer: Answer, version: str) -> str:
    sources = "; ".join(c.source_label for c in answer.sources)
    as_of = f" · as of {answer.as_of}" if answer.as_of else ""
    text = f"Fact base {version}{as_of}" + (f" · Sources: {sources}" if sources else "")
    return clip(text, FOOTER)


def _base(answer: Answer, footer: str, description: str) -> discord.Embed:
    title = shorten(answer.title, TITLE_WIDTH)
    if answer.kind in (Kind.ANSWER, Kind.NOT_FOUND):
        title = escape(title)
    embed = discord.Embed(title=clip(title, TITLE), description=clip(description, DESCRIPTION),
                          colour=COLOURS.get(answer.kind, 0x99AAB5))
    embed.set_footer(text=footer)
    return embed


def _add_field(embed: discord.Embed, name: str, value: str) -> None:
    """Discord refuses a field with an empty name or value."""
    embed.add_field(name=clip(name, FIELD_NAME) if name.strip() else "—",
                    value=clip(value, FIELD_VALUE) if value.strip() else "—", inline=False)


def _pages_of_lines(lines: list[str], header: str) -> list[str]:
    """Group lines into descriptions of at most PAGE_LINES lines and DESCRIPTION chars."""
    pages: list[str] = []
    current: list[str] = []
    for line in lines:
        line = clip(line, DESCRIPTION // 4)
        candidate = "\n".join([header, *current, line]).strip()
        if current and (len(current) >= PAGE_LINES or len(candidate) > DESCRIPTION - 50):
            pages.append("\n".join([header, *current]).strip())
            current = []
        current.append(line)
    pages.append("\n".join([header, *current]).strip())
    return pages


def _comparison(answer: Answer, footer: str) -> discord.Embed:
    notes = footnotes(answer)
    embed = _base(answer, footer, answer.summary)
    for row in answer.rows:  # `fit` drops what does not fit, and says so
        mark = "" if row.differs else " (the same)"
        value = "\n".join(
            f"**{col}**: {cell.text} {refs(cell.facts, notes)}".rstrip()
            for col, cell in zip((c.label for c in answer.columns), row.cells, strict=True)
        )
        _add_field(embed, row.label + mark, value)
    for section in answer.sections:
        _add_field(embed, section.title, "\n".join(section.lines))
    if answer.facts:
        cites = "\n".join(f"[{n}] {cite_short(f.cite)}: {f.label}"
                          for n, f in enumerate(answer.facts, 1))
        _add_field(embed, "Facts cited", cites)
    return embed


def answer_pages(answer: Answer, version: str) -> list[discord.Embed]:
    """One embed per page; a single page for everything but long lists."""
    footer = _footer(answer, version)  # once: `answer.sources` walks every cited fact
    if answer.kind is Kind.COMPARISON:
        return [fit(_comparison(answer, footer))]
    header = answer.summary
    if answer.kind is Kind.NOT_FOUND and answer.suggestions:
        header += "\n\nTry `about " + answer.suggestions[0] + "` or `entities`."
    lines: list[str] = []
    for section in answer.sections:
        if section.title and (len(answer.sections) > 1 or answer.kind in (
                Kind.ENTITY, Kind.ENTITIES, Kind.SOURCES, Kind.CHECK, Kind.UNANSWERED)):
            lines.append(f"**{section.title}**")
        bullet = "•" if answer.kind is not Kind.ANSWER else ""
        for i, line in enumerate(section.lines, 1):
            lines.append(f"{bullet or f'{i}.'} {line}")
    if answer.kind is Kind.ANSWER and answer.facts:
        lines.append("*Cited: " + "; ".join(cite_short(f.cite) for f in answer.facts) + "*")
    if not lines:
        return [fit(_base(answer, footer, header))]
    header = clip(header, DESCRIPTION // 2)  # room on every page for the lines under it
    pages = _pages_of_lines(lines, header)
    embeds = [_base(answer, footer, page) for page in pages]
    if len(embeds) > 1:
        for n, embed in enumerate(embeds, 1):
            embed.set_author(name=f"Page {n} of {len(embeds)}")
    return [fit(embed) for embed in embeds]  # after the author line, which counts too


def fit(embed: discord.Embed) -> discord.Embed:
    """Enforce the 25-field and 6,000-character limits by dropping trailing fields, saying
    so (room is kept for that note), then if need be by clipping the description."""
    dropped = 0
    if len(embed) > TOTAL or len(embed.fields) > FIELDS:
        while embed.fields and (len(embed) + 80 > TOTAL or len(embed.fields) >= FIELDS):
            embed.remove_field(len(embed.fields) - 1)
            dropped += 1
    if dropped:
        note = f"({plural(dropped, 'more part')} left out to fit Discord's limits)"
        embed.add_field(name="More", value=note, inline=False)
    if len(embed) > TOTAL and embed.description:
        embed.description = clip(embed.description, max(0, len(embed.description) - (len(embed) - TOTAL)))
    return embed
