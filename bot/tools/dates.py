"""Dates in an article's sentences, resolved against the article's own date.

Relative phrases ("on Tuesday", "last month", "by 2027", "Q3") are resolved
with python-dateutil's relativedelta and weekday arithmetic rather than
hand-written calendar maths, and every resolution carries a `note` saying how,
so the maintainer can check it. A resolved date is never more precise than the
article's own date: "last week" in an article dated only 2025-03 stays 2025-03.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta, weekday

# --- the article's date ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Published:
    """The article's date, at the precision it is known."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: str) -> Published:
        parts = [int(p) for p in value.split("-")]
        return cls(*parts)

    @property
    def date(self) -> dt.date | None:
        """The day, when the article is dated to the day."""
        return dt.date(self.year, self.month, self.day) if self.month and self.day else None

    @property
    def first(self) -> dt.date:
        """The first day the article's date covers."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return _fmt(self.year, self.month, self.day)


def _fmt(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def _cap(day: dt.date, p: Published, precision: str = "day") -> str:
    """A date written no more precisely than the article's own date (nor than
    `precision`: "day", "month" or "year")."""
    if p.month is None or precision == "year":
        return _fmt(day.year)
    if p.day is None or precision == "month":
        return _fmt(day.year, day.month)
    return day.isoformat()


_MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = ("January|February|March|April|May|June|July|August|September|October|November|December"
          "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")
_ORD = r"(?:st|nd|rd|th)?"
_WEEKDAYS: dict[str, weekday] = dict(zip(
    (d.casefold() for d in calendar.day_name), (MO, TU, WE, TH, FR, SA, SU), strict=True))
_WEEKDAY = "|".join(calendar.day_name)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12}
_FUTURE_RE = re.compile(r"\b(?:will|would|is set to|are set to|plans? to|is due|are due|next|upcoming|"
                        r"scheduled|expects?|aims?|intends?)\b|将|计划", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMention:
    text: str
    start: int
    end: int
    when: dict[str, Any]
    """the fields of a schema When, note included"""


def _said(text: str) -> str:
    return f"the article says “{text}”"


def _month_year(p: Published | None, month: int, future: bool = False) -> int | None:
    """The year of a month named without one: the latest such month not after
    the article (articles mostly report the past), or the next one for a
    sentence about the future."""
    if p is None:
        return None
    if p.month is None:
        return p.year
    if future:
        return p.year if month >= p.month else p.year + 1
    return p.year if month <= p.month else p.year - 1


# --- resolvers: (match, article date, sentence is about the future) -> When fields -----

Resolver = Callable[[re.Match[str], "Published | None", bool], "dict[str, Any] | None"]


def _undated(phrase: str) -> dict[str, Any]:
    return {"as_of_source": True, "inferred": True,
            "note": f"{_said(phrase)}; no article date given (--date), so left as of the article"}


def _explicit(m: re.Match[str], p: Published | None, future: bool) -> dict[str, Any] | None:
    """A written date; None for one that cannot exist (then it is just numbers)."""
    g = m.groupdict()
    year = int(g["year"]) if g.get("year") else None
    month = int(g["num_month"]) if g.get("num_month") else _MONTHS.get((g.get("month") or "").casefold())
    day = int(g["day"]) if g.get("day") else None
    note = "written in the article"
    if month is not None and year is None:
        year = _month_year(p, month, future)
        if year is None:
            return _undated(m.group(0).strip())
        which = "the next from" if future else "the latest not after"
        note = f"{_said(m.group(0).strip())}; year from the article date ({p}), {which} it"
    if month is not None and not 1 <= month <= 12:
        return None
    if month is not None and day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return {"date": _fmt(year, month, day), "inferred": note != "written in the article", "note": note}


def _weekday(m: re.Match[str], p: Published | None, future: bool) -> dict[str, Any]:
    """"on Tuesday", "last Friday", "next Monday", "Friday": in a past-tense
    sentence the latest such day on or before the article date ("last" strictly
    before it), in a future one or after "next" the first one after it."""
    phrase = m.group(0).strip()
    if p is None:
        return _undated(phrase)
    day = p.date
    if day is None:
        return {"date": str(p), "inferred": True, "note": f"{_said(phrase)}: the article is not dated "
                "to the day, so its date is used"}
    which = (m.group("which") or "").casefold()
    wd = _WEEKDAYS[m.group("wd").casefold()]
    if which == "next" or (future and which != "last"):
        found = day + relativedelta(days=+1, weekday=wd(+1))
        how = "the first such day after the article date"
    elif which == "last":
        found = day + relativedelta(days=-1, weekday=wd(-1))
        how = "the latest such day before the article date"
    else:
        found = day + relativedelta(weekday=wd(-1))
        how = "the latest such day on or before the article date"
    return {"date": found.isoformat(), "inferred": True,
            "note": f"{_said(phrase)}: {how} ({p}, a {calendar.day_name[day.weekday()]})"}


def _day_of_month(m: re.Match[str], p: Published | None, future: bool) -> dict[str, Any] | None:
    """"the 24th": that day of the article's month, or of the month before when
    the article is dated earlier in its month."""
    phrase = m.group(0).strip()
    if p is None:
        return _undated(phrase)
    n = int(m.group("dom"))
    if p.date is None or not 1 <= n <= 31:
        return None
    base = p.date.replace(day=1)
    if (n > p.date.day) != future:
        base += relativedelta(months=+1 if future else -1)
    if n > calendar.monthrange(base.year, base.month)[1]:
        return None
    return {"date": base.replace(day=n).isoformat(), "inferred": True,
            "note": f"{_said(phrase)}: that day of the nearest month "
                    f"{'after' if future else 'not after'} the article date ({p})"}


def _quarter(m: re.Match[str], p: Published | None, future: bool) -> dict[str, Any]:
    """"Q3", "the third quarter of 2025", "last quarter", "the first half":
    a period of months; without a year, the latest such quarter not after the
    article's (the next one in a future sentence)."""
    phrase = m.group(0).strip()
    g = m.groupdict()
    text = phrase.casefold()
    if p is None and not g.get("qyear"):
        return _undated(phrase)
    half = "half" in text or "半年" in text
    if g.get("rel"):  # last/this/next quarter, relative to the article's
        assert p is not None
        ref = p.first.replace(day=1)
        shift = {"last": -3, "previous": -3, "this": 0, "next": 3}[g["rel"].casefold()]
        ref += relativedelta(months=shift)
        q = (ref.month - 1) // 3 + 1
        year = ref.year
        rel = "of" if shift == 0 else "before" if shift < 0 else "after"
        how = f"the calendar quarter {rel} the article's"
    else:
        word = (g.get("qnum") or g.get("qword") or g.get("hword") or "").casefold()
        q = int(word) if word.isdigit() else _ORDINALS.get(word, 1)
        if word in ("上",):
            q = 1
        elif word in ("下",):
            q = 2
        if g.get("qyear"):
            year = int(g["qyear"])
            how = "as written"
        else:
            assert p is not None
            months_in = 6 if half else 3
            start_month = (q - 1) * months_in + 1
            current = (p.month or 12)
            year = p.year
            if future and start_month + months_in - 1 < current:
                year += 1
            elif not future and start_month > current:
                year -= 1
            how = f"the latest not after the article date ({p})" if not future else \
                f"the next from the article date ({p})"
    months = 6 if half else 3
    first = dt.date(year, (q - 1) * months + 1, 1)
    last = first + relativedelta(months=months - 1)
    return {"start": _fmt(first.year, first.month), "end": _fmt(last.year, last.month),
            "inferred": how != "as written", "note": f"{_said(phrase)}: {how}"}


def _target(m: re.Match[str], p: Published | None, future: bool) -> dict[str, Any]:
    """"by 2027", "by the end of 2027": a target, the period from the article
    up to the end of that year."""
    year = m.group("tyear")
    note = f"{_said(m.group(0).strip())}: a target, by the end of {year}"
    if p is None or int(year) < p.year:
        return {"date": year, "inferred": True, "note": note}
    return {"start": str(p), "end": year, "inferred": True, "note": f"{note} (from the article date)"}


def _relative(m: re.Match[str], p: Published | None, future: bool) -> dict[str, Any]:
    """A relative date against the article date, never more precise than it."""
    phrase = m.group(0).strip()
    said = _said(phrase)
    if p is None:
        return _undated(phrase)
    k = " ".join(phrase.casefold().split())
    day, first = p.date, p.first

    def out(how: str, **when: str) -> dict[str, Any]:
        return {**when, "inferred": True, "note": f"{said}: {how} (article date {p})"}

    coarse = out("the article is not dated precisely enough, so its date is used; it may be "
                 "a little earlier", date=str(p))
    if k == "today":
        return out("the article date", date=str(p)) if day else coarse
    if k == "yesterday":
        return out("the day before the article", date=str(day - relativedelta(days=1))) if day else coarse
    if k == "tomorrow":
        return out("the day after the article", date=str(day + relativedelta(days=1))) if day else coarse
    if k.endswith("week") and not k.startswith(("over", "in the", "during", "the past")):
        if day is None:
            return coarse
        monday = day + relativedelta(weekday=MO(-1))
        if k == "this week":
            return out("the week of the article", start=str(monday), end=str(p))
        if k == "next week":
            monday += relativedelta(weeks=+1)
            return out("the calendar week after the article's", start=str(monday),
                       end=str(monday + relativedelta(days=6)))
        monday += relativedelta(weeks=-1)
        return out("the calendar week before the article's", start=str(monday),
                   end=str(monday + relativedelta(days=6)))
    if k.endswith("month") and not k.startswith(("over", "in the", "during", "the past")):
        if p.month is None:
            return coarse
        if k == "earlier this month":
            if day is None:
                return out("the month of the article", date=_cap(first, p, "month"))
            return out("from the 1st to the article date", start=_fmt(p.year, p.month, 1), end=str(p))
        if k == "later this month":
            return out("the month of the article", date=_cap(first, p, "month"))
        if k == "this month":
            return out("the month of the article", date=_cap(first, p, "month"))
        shift = +1 if k == "next month" else -1
        return out(f"the month {'after' if shift > 0 else 'before'} the article's",
                   date=_cap(first + relativedelta(months=shift), p, "month"))
    if k in ("this year", "later this year", "今年"):
        return out("the year of the article", date=_fmt(p.year))
    if k == "earlier this year":
        if p.month is None:
            return out("the year of the article", date=_fmt(p.year))
        return out("from January to the article date", start=_fmt(p.year, 1), end=str(p))
    if k in ("last year", "去年"):
        return out("the year before the article's", date=_fmt(p.year - 1))
    if k in ("next year", "明年"):
        return out("the year after the article's", date=_fmt(p.year + 1))
    # over/in/during the past/last N years/months/weeks
    n_match = re.search(r"(?:past|last) (\w+) (year|month|week)s?", k)
    n = _NUMBER_WORDS.get(n_match.group(1)) if n_match else None
    if n_match and n is None and n_match.group(1).isdigit():
        n = int(n_match.group(1))
    unit = n_match.group(2) if n_match else re.search(r"(year|month|week)", k).group(1)  # type: ignore[union-attr]
    n = n or 1
    back = first - relativedelta(**{f"{unit}s": n})  # type: ignore[arg-type]
    return out(f"the {n} {unit}{'s' if n > 1 else ''} up to the article date",
               start=_cap(back, p), end=str(p))


_CJK_DIGIT = r"(?<![\d.])"
_DATE_PATTERNS: list[tuple[re.Pattern[str], Resolver]] = [
    (re.compile(r"\b(?P<year>\d{4})-(?P<num_month>\d{2})-(?P<day>\d{2})\b"), _explicit),
    (re.compile(rf"\b(?P<day>\d{{1,2}}){_ORD} (?P<month>{_MONTH})\.?(?:,? (?P<year>\d{{4}}))?\b"),
     _explicit),
    (re.compile(rf"\b(?P<month>{_MONTH})\.? (?P<day>\d{{1,2}}){_ORD}(?!\d)(?:,? (?P<year>\d{{4}}))?\b"),
     _explicit),
    (re.compile(r"(?P<year>\d{4})年(?P<num_month>\d{1,2})月(?:(?P<day>\d{1,2})[日号])?"), _explicit),
    (re.compile(rf"{_CJK_DIGIT}(?P<num_month>\d{{1,2}})月(?P<day>\d{{1,2}})[日号]"), _explicit),
    (re.compile(rf"(?:今年|本年)?{_CJK_DIGIT}(?P<num_month>\d{{1,2}})月(?:底|初|末|中旬|上旬|下旬)?"),
     _explicit),
    (re.compile(r"(?i)\b(?:Q(?P<qnum>[1-4])|(?:the )?(?P<qword>first|second|third|fourth|1st|2nd|3rd|4th)"
                r"[- ]quarter|(?:the )?(?P<hword>first|second)[- ]half)(?: of)?(?:,? (?P<qyear>\d{4}))?\b"),
     _quarter),
    (re.compile(r"(?i)\b(?P<rel>last|previous|this|next) quarter\b"), _quarter),
    (re.compile(r"(?:今年)?(?P<hword>[上下])半年"), _quarter),
    (re.compile(r"(?i)\b(?:by|before) (?:the end of |end-|the close of )?(?P<tyear>20\d{2})\b"), _target),
    (re.compile(rf"\b(?P<month>{_MONTH})\.?(?: (?P<year>\d{{4}}))?\b"), _explicit),
    (re.compile(r"\b(?:in|since|during|until|from|of) (?P<year>(?:19|20)\d{2})\b"), _explicit),
    (re.compile(rf"(?i)\b(?:(?P<which>last|next|this|on|since|by) )?(?P<wd>{_WEEKDAY})\b"), _weekday),
    (re.compile(r"\b(?:on |by |since )?the (?P<dom>[1-3]?\d)(?:st|nd|rd|th)\b(?! (?:century|anniversary))"),
     _day_of_month),
    (re.compile(r"(?i)\b(?:yesterday|today|tomorrow|(?:earlier |later )?this (?:week|month|year)"
                r"|(?:last|next) (?:week|month|year)"
                r"|(?:over|in|during|for) the (?:past|last) (?:(?:\w+ )?(?:years?|months?|weeks?))"
                r"|the past (?:\w+ )?(?:years?|months?))\b|今年|去年|明年"),
     _relative),
]


def find_dates(sentence: str, published: Published | None) -> list[DateMention]:
    """Every date the sentence mentions, resolved, in order; overlapping matches
    keep the earlier pattern (the more precise form). Month and day names must
    be capitalised, so the verb "may" is not May."""
    future = bool(_FUTURE_RE.search(sentence))
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern, resolve in _DATE_PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if resolve is _weekday and not m.group("wd")[0].isupper():
                continue
            when = resolve(m, published, future)
            if when is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.group(0), m.start(), m.end(), when))
    return sorted(found, key=lambda d: d.start)


def when_for(dates: list[DateMention], anchor: int | None = None) -> dict[str, Any]:
    """The candidate's `when`: from the date nearest the sentence's main verb
    (`anchor`, a character index; the first date without one), noting the
    others. "An analyst Friday offered a response to models released last
    month" is dated Friday, not last month."""
    if not dates:
        return {"as_of_source": True, "note": "no date in the sentence: as of the article"}
    chosen = dates[0] if anchor is None else min(
        dates, key=lambda d: (0 if d.start <= anchor <= d.end else min(abs(d.start - anchor),
                                                                        abs(d.end - anchor))))
    when = dict(chosen.when)
    others = [d for d in dates if d is not chosen]
    if others:
        when["note"] += "; the sentence also mentions " + ", ".join(f"“{d.text}”" for d in others)
    if not when.get("inferred"):
        del when["inferred"]
    return when
