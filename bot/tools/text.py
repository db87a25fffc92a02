"""Paragraphs and sentences of a plain-text article.

Paragraph rule (README, "Adding an article"): paragraphs are blocks separated
by blank lines (lines inside a block are joined). If the first block is a
single line of at most 120 characters that does not end in a full stop, it is
the headline: it is not numbered, and paragraph numbers start at 1 after it.
A longer first line ending in "!" or "?" is a headline too: 36Kr and AsiaICT
write headlines of 150 characters (032_asiaict-zhipu-ipo.txt), and the
maintainers' records count them so.
The files in shared/seeds/ whose headline was not in the text read open with
the line "[Headline not in the text read]", which counts as the headline too.
Citations point at these numbers, so an off-by-one here misplaces every fact.
"""

from __future__ import annotations

import re

HEADLINE_MAX = 120
NO_HEADLINE = "[Headline not in the text read]"
_FULL_STOPS = (".", "。", "．")


def split_article(text: str) -> tuple[str | None, list[str]]:
    """(headline or None, paragraphs), by the rule in the module docstring. A
    placeholder headline is returned as is: callers must not take it as the title."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff").strip()
    if text.startswith(NO_HEADLINE):
        rest = text[len(NO_HEADLINE):].strip()
        return NO_HEADLINE, [" ".join(b.split()) for b in re.split(r"\n[ \t]*\n", rest) if b.strip()]
    raw = [b.strip() for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    blocks = [" ".join(b.split()) for b in raw]
    if raw and "\n" not in raw[0] and not raw[0].endswith(_FULL_STOPS) and (
            len(raw[0]) <= HEADLINE_MAX or raw[0].endswith(("!", "?", "！", "？"))):
        return blocks[0], blocks[1:]
    return None, blocks


# Words after which a full stop does not end a sentence ("No. 1", "U.S. export
# rules", "Inc. said"); single capital letters (initials) are handled apart.
_ABBREVIATIONS = frozenset("""mr mrs ms dr prof st vs etc jan feb mar apr jun jul aug sep sept oct nov
dec no nos fig approx est gen gov sen rep u.s u.k u.n e.u e.g i.e a.m p.m cf al""".split())
_END_RE = re.compile(r"(?:[.!?…]+[\"”’')\]]*\s+|[。！？]+[”’」』）)]*\s*)")


def split_sentences(paragraph: str) -> list[str]:
    """Split after 。！？ always, and after . ! ? when the next word starts a
    sentence (capital, digit, quote, CJK) and the word before is not an
    abbreviation ("No.", "U.S.") or an initial. Decimals and version numbers
    ("4.5", "v1.5") never split: a split needs white space after the stop."""
    sentences, start = [], 0
    for m in _END_RE.finditer(paragraph):
        if m.end() >= len(paragraph):
            break
        stop = m.group(0).strip()
        if _open_quote(paragraph[start:m.end()]):
            continue
        if stop[0] not in "。！？":
            after = paragraph[m.end()]
            if not (after.isupper() or after.isdigit() or after in "\"“‘'(" or "\u4e00" <= after <= "\u9fff"):
                continue
            words = paragraph[start:m.start()].split()
            last = words[-1].strip("\"“‘(") if words else ""
            if last.casefold() in _ABBREVIATIONS or re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", last):
                continue
        sentences.append(paragraph[start:m.end()].strip())
        start = m.end()
    rest = paragraph[start:].strip()
    return [*sentences, rest] if rest else sentences


def _open_quote(text: str) -> bool:
    """Is a quotation still open at the end of text? A sentence ends after the
    quotation, not at a full stop inside it ("Li said, “... tools. Without ...”")."""
    return text.count("“") > text.count("”") or text.count("「") > text.count("」")
