"""A reload's news as one Discord message: one embed, a field per entity, each
fact with its date and source, cut inside Discord's limits with a line saying
what was left out and where to read it."""

from __future__ import annotations

import discord

from bot.core.digest import Digest, NewsGroup
from bot.frontends.discord.embeds import DESCRIPTION, FIELD_NAME, FIELD_VALUE, FIELDS, TOTAL, clip
from bot.shared.formats import human_join, plural

LINE = 300
"""characters one fact may take: a long statement must not crowd out the others"""
COLOUR = 0x5865F2


def _line(item) -> str:
    fact = item.fact
    updated = " *(updated)*" if item.updated else ""
    return clip(f"• {fact.label} ({fact.when}; {fact.cite.source_label}, ¶{fact.cite.paragraph})"
                f"{updated}", LINE)


def _value(group: NewsGroup) -> str:
    """As many of the group's facts as fit in a field, then how many more there are."""
    lines: list[str] = []
    for n, item in enumerate(group.items):
        line = _line(item)
        more = len(group.items) - n - 1
        tail = f"\n…and {more} more: `timeline {group.name}`" if more else ""
        if len("\n".join([*lines, line])) + len(tail) > FIELD_VALUE:
            left = len(group.items) - n
            lines.append(f"…and {left} more: `timeline {group.name}`")
            break
        lines.append(line)
    return "\n".join(lines)


def digest_embed(digest: Digest) -> discord.Embed:
    names = [g.name for g in digest.groups]
    about = human_join(names[:3]) + (f" and {plural(len(names) - 3, 'more entity', 'more entities')}"
                                     if len(names) > 3 else "")
    embed = discord.Embed(
        title="New in the fact base",
        description=clip(f"{plural(digest.count, 'new or updated fact')} about {about}, "
                         "each with its date and source.", DESCRIPTION),
        colour=COLOUR)
    embed.set_footer(text=f"Fact base {digest.version} · /news unsubscribe to stop these")
    room = FIELDS - 1  # one kept for the note on what was left out
    for n, group in enumerate(digest.groups):
        value = _value(group)
        name = clip(group.name, FIELD_NAME)
        if n >= room or len(embed) + len(name) + len(value) > TOTAL - 200:
            rest = digest.groups[n:]
            count = sum(len(g.items) for g in rest)
            embed.add_field(name="More", inline=False, value=clip(
                f"…and {plural(count, 'fact')} about {plural(len(rest), 'more entity', 'more entities')} "
                f"({human_join(g.name for g in rest[:5])}{', …' if len(rest) > 5 else ''}): "
                "`timeline <name>` shows them.", FIELD_VALUE))
            break
        embed.add_field(name=name, value=value, inline=False)
    return embed
