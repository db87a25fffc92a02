"""Text normalisation, shared by the index (at load time) and the linker (per query).

Both sides must fold text the same way, or an alias that looks identical to a
user will not match; so there is exactly one function that does it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Han, plus the kana/hangul blocks: scripts written without spaces, so each
# character is its own token and names are found inside unspaced sentences.
_CJK = (
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf"  # Han extension A
    "\u4e00-\u9fff"  # Han
    "\uac00-\ud7af"  # hangul
    "\uf900-\ufaff"  # compatibility ideographs
)
_TOKEN_RE = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")
_POSSESSIVE_RE = re.compile(r"(?<=\w)['’]s\b")
_APOSTROPHE_RE = re.compile(r"(?<=\w)['’](?=\w)")


class _FoldTable(dict[int, int | None]):
    """str.translate table filled on first sight of each code point, so folding
    runs in C after warm-up. Punctuation, symbols, controls and format
    characters (zero-width, RTL marks) become spaces; letters, digits and marks
    are kept."""

    def __missing__(self, cp: int) -> int | None:
        cat = unicodedata.category(chr(cp))
        folded = 32 if cat[0] in "PSZ" or cat in ("Cc", "Cf", "Cs", "Co", "Cn") else None
        self[cp] = folded if folded is not None else cp
        return self[cp]


_FOLD = _FoldTable()


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """NFKC (folds full-width forms), casefold, drop possessives and in-word
    apostrophes, turn every punctuation/control character into a space, and
    collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _POSSESSIVE_RE.sub("", text)
    text = _APOSTROPHE_RE.sub("", text)
    text = text.translate(_FOLD)
    return " ".join(text.split())


def tokens(text: str) -> tuple[str, ...]:
    """Tokens of already-normalised text: words, and one token per CJK character."""
    return tuple(_TOKEN_RE.findall(text))


def is_cjk(token: str) -> bool:
    return len(token) == 1 and bool(re.match(rf"[{_CJK}]", token))


def key(text: str) -> str:
    """The index key of a name: its normalised tokens joined by single spaces."""
    return " ".join(tokens(normalize(text)))
