"""Small wording helpers every layer shares, after RoboDanny's cogs/utils/formats.py:
one place decides how a list or a count reads, so replies never say "1 source(s)"."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable


def human_join(items: Iterable[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 source', '2 sources', '1,200 entities' (plural(n, 'entity', 'entities'))."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def shorten(text: str, width: int) -> str:
    """At most `width` characters, cut at a word, with an ellipsis when cut; text
    with no spaces to cut at (Chinese) is cut where it reaches the width."""
    short = textwrap.shorten(text, width, placeholder="…")
    if short == "…" and text.strip():
        return " ".join(text.split())[: width - 1] + "…"
    return short


def quote_input(text: str, width: int = 80) -> str:
    """What the user typed, quoted back in a reply: letters, digits, marks and a few
    harmless signs only, shortened, so nothing typed can format, ping or reorder the
    text around it (a code fence, "@everyone", a right-to-left override)."""
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" or c in "-.'’&+/" else " "
                   for c in text)
    return shorten(kept, width) or "that"


COPY_WORDS = 8
"""Eight words in a row shared with a source is a copied sentence."""


def copy_words(text: str) -> list[str]:
    """The words a copy is counted in: runs of letters or digits, each Chinese
    character on its own. Punctuation, hyphens and slashes split, so that a URL
    slug ("spark-3-5-as-rivals") is read as the words it spells."""
    return re.findall(r"[\u4e00-\u9fff]|[^\W_\u4e00-\u9fff]+", text.casefold())


def copied_run(text: str, source: str, n: int = COPY_WORDS) -> str | None:
    """The first run of n consecutive words `text` shares with `source` (a Chinese
    character counts as a word), or None: how the bot tells our words from a copy."""
    words = copy_words(source)
    runs = {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
    mine = copy_words(text)
    for i in range(len(mine) - n + 1):
        if tuple(mine[i:i + n]) in runs:
            return " ".join(mine[i:i + n])
    return None
