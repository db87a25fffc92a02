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
_CJK_RE = re.compile(rf"[{_CJK}]")
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
# The same folding for ASCII, as a bytes.translate table: one C pass, with no
# per-character lookups in _FOLD.
_ASCII_FOLD = bytes(_FOLD[cp] for cp in range(128)) + bytes(range(128, 256))


def normalize_uncached(text: str) -> str:
    """`normalize` without its cache: for text seen once, such as the fact
    statements an index is built from, which would only push out the entries
    worth keeping."""
    if text.isascii():
        return " ".join(_ascii_words(text))
    text = unicodedata.normalize("NFKC", text).casefold()
    if "'" in text or "’" in text:  # both patterns need one of them
        text = _POSSESSIVE_RE.sub("", text)
        text = _APOSTROPHE_RE.sub("", text)
    text = text.translate(_FOLD)
    return " ".join(text.split())


def _ascii_words(text: str) -> list[str]:
    """The words of the normalised form of ASCII text (NFKC leaves ASCII as it
    is, and casefold is lower there)."""
    if "'" in text:
        text = _APOSTROPHE_RE.sub("", _POSSESSIVE_RE.sub("", text.lower()))
    return text.encode("ascii").lower().translate(_ASCII_FOLD).decode("ascii").split()


_normalize_cached = lru_cache(maxsize=16384)(normalize_uncached)
CACHED_LENGTH = 200


def normalize(text: str) -> str:
    """NFKC (folds full-width forms), casefold, drop possessives and in-word
    apostrophes, turn every punctuation/control character into a space, and
    collapse whitespace. Names and short questions recur and are cached; long
    text is not, so a flood of 4,000-character messages cannot fill memory."""
    return _normalize_cached(text) if len(text) <= CACHED_LENGTH else normalize_uncached(text)


def tokens(text: str) -> tuple[str, ...]:
    """Tokens of already-normalised text: words, and one token per CJK character."""
    if text.isascii():  # no CJK: the tokens are what lies between spaces
        return tuple(text.split())
    return tuple(_TOKEN_RE.findall(text))


def tokens_uncached(text: str) -> list[str]:
    """`tokens(normalize(text))`, for text seen once (see `normalize_uncached`),
    and quicker for ASCII, where the tokens are the words between spaces."""
    if not text.isascii():
        return list(tokens(normalize_uncached(text)))
    return _ascii_words(text)


def is_cjk(token: str) -> bool:
    return len(token) == 1 and _CJK_RE.match(token) is not None


def key(text: str) -> str:
    """The index key of a name: its normalised tokens joined by single spaces."""
    return " ".join(tokens(normalize(text)))
