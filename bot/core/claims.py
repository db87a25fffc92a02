"""Reading the claims of a message: its sentences, and the figures and dates each
one states, in a form that can be set against the facts' own.

Only what `check` needs, kept apart from bot/tools (the maintainers' drafting
tools, a layer above the core): a figure here is a value with a range and a kind
("money:USD", "percent", "parameters"), so "$5.6M", "US$5.6 million" and "about
$5.6 million" meet, and "under $6 million" does not contradict "$5.6M".
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass

from bot.knowledge.schema import When

# --- sentences ------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[。！？；])|(?<=[.!?;])\s+|\s*\n+\s*")


def sentences(text: str) -> list[str]:
    """The sentences of a message, each stripped; a decimal point ("$5.6M") or a
    version ("V3.2") is no sentence end, since no space follows it."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


# --- dates ------------------------------------------------------------------------

_MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    r"(?<![\w.])(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?(?![\w.])",
    rf"(?<![\w.])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b",
    rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b",
    rf"\b(?P<mon>{_MONTH})\.?,?\s+(?:of\s+)?(?P<y>\d{{4}})\b",
    r"(?P<y>\d{4})\s?年(?:\s?(?P<m>\d{1,2})\s?月(?:\s?(?P<d>\d{1,2})\s?[日号])?)?",
    r"(?<![\w.,$-])(?P<y>(?:19|20)\d{2})(?![\w.,%-])",
)]


@dataclass(frozen=True, slots=True)
class Stated:
    """A figure or a date as a message states it."""

    text: str
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class DateClaim(Stated):
    date: str
    """YYYY, YYYY-MM or YYYY-MM-DD: as precise as the text, no more"""


def _partial(y: str, m: str | int | None, d: str | None) -> str | None:
    year, month = int(y), int(m) if m else None
    if not 1900 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        return None
    if month is None:
        return f"{year:04d}"
    if d is None:
        return f"{year:04d}-{month:02d}"
    day = int(d)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def find_dates(text: str) -> list[DateClaim]:
    """Dates in the text, most precise reading first wherever two overlap."""
    found: list[DateClaim] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < c.span[1] and c.span[0] < m.end() for c in found):
                continue
            groups = m.groupdict()
            month = _MONTHS.get((groups.get("mon") or "").casefold().rstrip(".")) or groups.get("m")
            date = _partial(groups["y"], month, groups.get("d"))
            if date is not None:
                found.append(DateClaim(m.group(0).strip(), m.span(), date))
    return sorted(found, key=lambda c: c.span)


def dates_agree(claimed: str, start: str, end: str | None = None) -> bool:
    """Whether a claimed date fits a fact's date (or its period start..end), each
    compared at the precision both have: "2025" fits 2025-01-20, "March 2025" does not."""
    def cut(a: str, b: str) -> tuple[str, str]:
        n = min(len(a), len(b))
        return a[:n], b[:n]

    if end is None:
        a, b = cut(claimed, start)
        return a == b
    after_start = not start or cut(claimed, start)[0] >= cut(claimed, start)[1]
    before_end = cut(claimed, end)[0] <= cut(claimed, end)[1]
    return after_start and before_end


def fact_dates(when: When) -> list[tuple[str, str | None]]:
    """A fact's date as (date, None), or its period as (start, end); nothing for a
    fact that describes things as of its source."""
    if when.date:
        return [(when.date, None)]
    if when.start or when.end:
        return [(when.start or "", when.end or "9999")]
    return []


# --- figures ----------------------------------------------------------------------

_APPROX = "nearly|almost|about|around|roughly|some|approximately|an estimated|close to|just over|just under"
_AT_MOST = "less than|fewer than|under|below|up to|at most|no more than"
_AT_LEAST = "more than|over|above|at least|no less than"
_CURRENCY_BEFORE = {"us$": "USD", "$": "USD", "usd": "USD", "hk$": "HKD", "€": "EUR", "£": "GBP",
                    "¥": "CNY", "￥": "CNY", "rmb": "CNY", "cny": "CNY"}
_CURRENCY_AFTER = {"dollars": "USD", "usd": "USD", "yuan": "CNY", "rmb": "CNY", "美元": "USD",
                   "元": "CNY", "人民币": "CNY", "港元": "HKD", "euros": "EUR"}
_MAGNITUDES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mil": 1e6,
               "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "t": 1e12,
               "万": 1e4, "亿": 1e8, "万亿": 1e12}
UNITS = ("parameters", "params", "tokens", "users", "downloads", "gpus", "chips", "cards",
         "employees", "staff", "people", "researchers", "engineers", "hours", "days", "weeks",
         "months", "years", "languages", "models", "apps", "customers", "developers",
         "companies", "subscribers", "shares", "queries", "requests", "servers", "times")
_FIGURE_RE = re.compile(
    rf"(?<![\w.,$¥€£])(?:(?P<approx>{_APPROX})\s+|(?P<most>{_AT_MOST})\s+|(?P<least>{_AT_LEAST})\s+)?"
    r"(?P<cur>US\$|HK\$|\$|€|£|¥|￥|(?:RMB|CNY|USD)\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mag>thousand|million|billion|trillion|mil|mn|bn|tn|万亿|亿|万)(?![a-z])"
    r"|(?P<magc>[kmbt])(?![\w]))?"
    r"(?P<pct>\s?%|\s?per\s?cent\b|\s?percent\b)?"
    r"(?:\s?(?P<after>dollars|usd|yuan|rmb|euros|美元|人民币|港元|元)(?![a-z]))?"
    rf"(?:\s+(?:(?:active|activated|total|monthly|daily|weekly|active|h800|h100|h20|a100|nvidia)\s+)*"
    rf"(?P<unit>{'|'.join(UNITS)})\b)?"
    r"(?![\w])",
    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Figure(Stated):
    kind: str
    """what is counted: "money:USD", "percent", a unit ("parameters"), or "number" """
    low: float
    high: float

    def comparable(self, other: Figure) -> bool:
        """Money with money of the same currency, a percentage with a percentage,
        counts of the same thing (a bare number counts anything)."""
        if self.kind == other.kind:
            return True
        counts = {self.kind, other.kind} - {"number"}
        return len(counts) == 1 and not any(k.startswith("money") or k == "percent" for k in counts)

    def agrees(self, other: Figure) -> bool:
        return self.low <= other.high and other.low <= self.high


_RELATIVE = 0.02
"""two figures written without a qualifier agree within 2% (rounding: $5.6M and $5,576,000)"""
_ROUGH = 0.10


def find_figures(text: str, skip: list[tuple[int, int]] | None = None) -> list[Figure]:
    """The figures of a text with their kinds and ranges, outside `skip` (the dates'
    spans) and never a bare year or the digits of a name ("R1", "V3.2", "H800")."""
    skip = skip or []
    found = []
    for m in _FIGURE_RE.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in skip):
            continue
        g = m.groupdict()
        number = float(g["num"].replace(",", ""))
        magnitude = (g["mag"] or g["magc"] or "").casefold()
        value = number * _MAGNITUDES.get(magnitude, 1.0)
        currency = _CURRENCY_BEFORE.get((g["cur"] or "").strip().casefold()) \
            or _CURRENCY_AFTER.get((g["after"] or "").casefold())
        if currency:
            kind = f"money:{currency}"
        elif g["pct"]:
            kind = "percent"
        elif g["unit"]:
            unit = g["unit"].casefold()
            kind = "parameters" if unit == "params" else unit
        else:
            kind = "number"
            if not magnitude and "." not in g["num"] and "," not in g["num"] and 1900 <= number <= 2100:
                continue  # a year, read as a date or not at all
        if g["most"]:
            low, high = 0.0, value
        elif g["least"]:
            low, high = value, math.inf
        else:
            spread = _ROUGH if g["approx"] else _RELATIVE
            low, high = value * (1 - spread), value * (1 + spread)
        found.append(Figure(m.group(0).strip(), m.span(), kind, low, high))
    return found


@dataclass(frozen=True, slots=True)
class Statements:
    """Everything a sentence states that can be compared."""

    dates: tuple[DateClaim, ...]
    figures: tuple[Figure, ...]

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(s.text for s in sorted((*self.dates, *self.figures), key=lambda s: s.span))


def read(text: str) -> Statements:
    dates = find_dates(text)
    return Statements(tuple(dates), tuple(find_figures(text, [d.span for d in dates])))
