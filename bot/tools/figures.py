"""Figures in a sentence, kept with their units.

A maintainer checking a fact needs "671B parameters" or "$294,000", not "671"
or nothing: a bare number cannot be checked against the article, and losing
the currency or the magnitude is how wrong figures reach users. Each figure is
the article's own text for it, widened to take in its qualifier ("nearly"),
currency, magnitude, per cent and unit noun ("activated parameters",
"GPU hours", "tokens").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NUM_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|a dozen|dozens|hundreds|thousands"
_QUALIFIER = (r"(?:(?:nearly|almost|about|around|roughly|some|more than|less than|fewer than|over|under|"
              r"up to|at least|at most|as much as|as many as|approximately|an estimated)\s)?")
_CURRENCY = r"(?:US\$|HK\$|S\$|A\$|NT\$|RMB\s?|CNY\s?|USD\s?|\$|€|£|¥|￥)"
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_MAGNITUDE = r"(?:\s?(?:billion|bn|million|mn|mil|trillion|tn|thousand)\b|[BMTK](?![\w-])|k\b)"
_PERCENT = r"(?:\s?(?:%|per\s?cent\b|percent\b|percentage points?\b|pp\b))"
_MULTIPLE = r"(?:\s?(?:-fold\b|fold\b|times\b|x\b))"
_UNIT = (r"(?:\s(?:(?:activated|active|total|trainable)\s)?(?:parameters|params)\b|\s(?:activated|active)\b"
         r"|\s(?:(?:H800|H100|H20|A100|GPU)\s)?(?:GPU[- ])?hours\b"
         r"|\s(?:tokens|GPUs|chips|users|downloads|yuan|dollars|shares|employees|customers|"
         r"developers|companies|models|queries|requests|words|characters|images|languages|"
         r"data ?centres|data ?centers|servers|cards|accelerators|votes|subscribers|apps)\b"
         r"|\s(?:daily|monthly|weekly) (?:active )?users\b)?")
_CHINESE = (rf"(?:{_QUALIFIER})?{_CURRENCY}?{_NUMBER}\s?(?:万亿|亿|万|千)?"
            r"(?:%|倍|元|美元|港元|人民币|个|张|卡|亿元|万元|块)")
_FIGURE_RE = re.compile(
    rf"(?<![\w.\-]){_QUALIFIER}(?:{_CURRENCY}{_NUMBER}{_MAGNITUDE}?"  # $1.2 billion, US$619mil
    rf"|{_NUMBER}{_MAGNITUDE}?(?:{_PERCENT}|{_MULTIPLE})?)"             # 40 per cent, 671B, 6 times
    rf"{_UNIT}"
    rf"|(?<![\w.])(?:{_QUALIFIER})(?:{_NUM_WORDS})\s(?:times|-fold|fold)\b"  # nearly six times
    r"|\b(?:(?:nearly|almost|more than|roughly|about)\s)?(?:(?:cut|fell|dropped|rose|grew|slashed|reduced)"
    r"\s(?:\w+\s)?by\shalf|halved|doubled|tripled|quadrupled)\b|\bby half\b|\bhalf the (?:price|cost)\b"
    rf"|(?<=[{_CJK}]){_CHINESE}|增长了?一倍|翻了?一?倍|翻了?一番|减半"
    rf"|(?<=[{_CJK}]){_NUMBER}\s?(?:万亿|亿|万)(?:\s?(?:[Tt]okens|用户|元|美元|港元))?",
    re.IGNORECASE)
_BARE_YEAR_RE = re.compile(r"^(?:19|20)\d{2}$")


def find_numbers(sentence: str, skip: Sequence[tuple[int, int]] = ()) -> list[str]:
    """Figures with their units, in order, outside the spans already read as
    dates or names (a version number in "ERNIE 4.5" is part of a name)."""
    found = []
    for m in _FIGURE_RE.finditer(sentence):
        text = m.group(0).strip()
        if not text or any(m.start() < e and s < m.end() for s, e in skip):
            continue
        if _BARE_YEAR_RE.match(text):
            continue
        if re.fullmatch(r"[\d.,]+[BMT]", text):  # "a total parameter of 200B"
            before = sentence[max(m.start() - 40, 0):m.start()]
            unit = re.search(r"\b(parameters?|tokens?)\b[^.;]{0,25}$", before)
            if unit:
                text += " " + unit.group(1).rstrip("s") + "s"
        found.append(text)
    return found
