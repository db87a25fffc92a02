"""Drafting candidate facts from a plain-text article: `python -m bot draft`.

The draft is a starting point, never a fact base entry: each candidate keeps the
article's sentence in `evidence` and a placeholder statement, and is marked
`draft: true`, so the loader refuses it until a maintainer has rewritten it in
their own words. Everything here is pure except `write_draft`.

Paragraph rule: paragraphs are blocks separated by blank lines (lines inside a
block are joined). If the first block is a single line of at most 120 characters
that does not end in a full stop, it is the headline: it is not numbered (and is
the title when none is given). Paragraph numbers start at 1 after it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core import Engine
from bot.core.linker import STOPWORDS
from bot.knowledge.schema import _parse_partial_date
from bot.shared.normalize import key

PLACEHOLDER = "TODO: rewrite in your own words"
HEADLINE_MAX = 120

# --- paragraphs and sentences ----------------------------------------------------


def split_article(text: str) -> tuple[str | None, list[str]]:
    """(headline or None, paragraphs), by the rule in the module docstring."""
    raw = [b.strip() for b in re.split(r"\n[ \t]*\n", text.strip()) if b.strip()]
    blocks = [" ".join(b.split()) for b in raw]
    if raw and "\n" not in raw[0] and len(raw[0]) <= HEADLINE_MAX and not raw[0].endswith("."):
        return blocks[0], blocks[1:]
    return None, blocks


_ABBREVIATIONS = frozenset("mr mrs ms dr prof inc ltd co corp jr sr st vs etc jan feb mar apr "
                           "jun jul aug sep sept oct nov dec u.s u.k e.g i.e".split())
_END_RE = re.compile(r"[.!?][\"”’')\]]*\s+")


def split_sentences(paragraph: str) -> list[str]:
    """Split after . ! ? when the next word starts a sentence (capital, digit,
    quote) and the word before is not a known abbreviation ("Mr.", "U.S.")."""
    sentences, start = [], 0
    for m in _END_RE.finditer(paragraph):
        after = paragraph[m.end()]  # the paragraph is stripped: text follows the space
        words = paragraph[start:m.start()].split()
        if not (after.isupper() or after.isdigit() or after in "\"“‘'("):
            continue
        if words and words[-1].strip("\"“‘(").casefold() in _ABBREVIATIONS:
            continue
        sentences.append(paragraph[start:m.end()].strip())
        start = m.end()
    rest = paragraph[start:].strip()
    return [*sentences, rest] if rest else sentences


# --- dates -------------------------------------------------------------------


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

    def __str__(self) -> str:
        return _fmt(self.year, self.month, self.day)


def _fmt(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def _shift_years(p: Published, years: int) -> str:
    day = p.day
    if p.month and day:  # 29 Feb minus a year
        day = min(day, calendar.monthrange(p.year + years, p.month)[1])
    return _fmt(p.year + years, p.month, day)


def _month_before(p: Published) -> str:
    assert p.month is not None
    return _fmt(p.year - 1, 12) if p.month == 1 else _fmt(p.year, p.month - 1)


_MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = ("January|February|March|April|May|June|July|August|September|October|November|December"
          "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")
_ORD = r"(?:st|nd|rd|th)?"


@dataclass(frozen=True, slots=True)
class DateMention:
    text: str
    start: int
    end: int
    when: dict[str, Any]
    """the fields of a schema When, note included"""


def _said(text: str) -> str:
    return f"the article says “{text}”"


def _month_year(p: Published | None, month: int) -> int | None:
    """The year of a month named without one: the latest such month not after
    the article (articles mostly report the past)."""
    if p is None:
        return None
    if p.month is None:
        return p.year
    return p.year if month <= p.month else p.year - 1


def _explicit(m: re.Match[str], p: Published | None) -> dict[str, Any] | None:
    """A written date; None for one that cannot exist (then it is just numbers)."""
    g = m.groupdict()
    year = int(g["year"]) if g.get("year") else None
    month = int(g["num_month"]) if g.get("num_month") else _MONTHS.get((g.get("month") or "").casefold())
    day = int(g["day"]) if g.get("day") else None
    note = "written in the article"
    if month is not None and year is None:
        year = _month_year(p, month)
        if year is None:
            return {"as_of_source": True, "inferred": True, "note": f"{_said(m.group(0).strip())}; "
                    "no year and no article date given (--date), so left as of the article"}
        note = f"{_said(m.group(0).strip())}; year from the article date ({p}), the latest not after it"
    if month is not None and not 1 <= month <= 12:
        return None
    if month is not None and day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return {"date": _fmt(year, month, day), "inferred": note != "written in the article",
            "note": note}


def _relative(phrase: str, p: Published | None) -> dict[str, Any]:
    """A relative date against the article date, never more precise than that
    date: "last week" in an article dated only 2025-03 stays 2025-03."""
    said = _said(phrase)
    if p is None:
        return {"as_of_source": True, "inferred": True,
                "note": f"{said}; no article date given (--date), so left as of the article"}
    k = " ".join(phrase.casefold().split())
    day = dt.date(p.year, p.month, p.day) if p.month and p.day else None

    def out(how: str, **when: str) -> dict[str, Any]:
        return {**when, "inferred": True, "note": f"{said}: {how} (article date {p})"}

    coarse = out("the article is not dated precisely enough, so its date is used; it may be "
                 "a little earlier", date=str(p))
    if k == "today":
        return out("the article date", date=str(p)) if day else coarse
    if k == "yesterday":
        return out("the day before the article", date=str(day - dt.timedelta(days=1))) if day else coarse
    if k == "this week":
        if day is None:
            return coarse
        return out("the week of the article", start=str(day - dt.timedelta(days=day.weekday())),
                   end=str(p))
    if k == "last week":
        if day is None:
            return coarse
        monday = day - dt.timedelta(days=day.weekday() + 7)
        return out("the calendar week before the article's", start=str(monday),
                   end=str(monday + dt.timedelta(days=6)))
    if k in ("this month", "earlier this month"):
        if p.month is None:
            return coarse
        if day and k.startswith("earlier"):
            return out("from the 1st to the article date", start=_fmt(p.year, p.month, 1), end=str(p))
        return out("the month of the article", date=_fmt(p.year, p.month))
    if k == "last month":
        return out("the month before the article's", date=_month_before(p)) if p.month else coarse
    if k == "this year":
        return out("the year of the article", date=_fmt(p.year))
    if k == "earlier this year":
        if p.month is None:
            return out("the year of the article", date=_fmt(p.year))
        return out("from January to the article date", start=_fmt(p.year, 1), end=str(p))
    if k == "last year":
        return out("the year before the article's", date=_fmt(p.year - 1))
    # over/in/during the past/last year, 12 months
    return out("the twelve months up to the article date", start=_shift_years(p, -1), end=str(p))


_DATE_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str], Published | None], Any]]] = [
    (re.compile(r"\b(?P<year>\d{4})-(?P<num_month>\d{2})-(?P<day>\d{2})\b"), _explicit),
    (re.compile(rf"\b(?P<day>\d{{1,2}}){_ORD} (?P<month>{_MONTH})\.?(?:,? (?P<year>\d{{4}}))?\b"),
     _explicit),
    (re.compile(rf"\b(?P<month>{_MONTH})\.? (?P<day>\d{{1,2}}){_ORD}(?!\d)(?:,? (?P<year>\d{{4}}))?\b"),
     _explicit),
    (re.compile(rf"\b(?P<month>{_MONTH})\.?(?: (?P<year>\d{{4}}))?\b"), _explicit),
    (re.compile(r"\b(?:in|since|by|during|until|from) (?P<year>(?:19|20)\d{2})\b"), _explicit),
    (re.compile(r"(?i)\b(?:yesterday|today|(?:earlier )?this (?:week|month|year)|last (?:week|month|year)"
                r"|(?:over|in|during) the (?:past|last) (?:year|12 months|twelve months))\b"),
     lambda m, p: _relative(m.group(0), p)),
]


def find_dates(sentence: str, published: Published | None) -> list[DateMention]:
    """Every date the sentence mentions, resolved, in order; overlapping matches
    keep the earlier pattern (the more precise form). Month names must be
    capitalised, so the verb "may" is not May."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern, resolve in _DATE_PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            when = resolve(m, published)
            if when is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.group(0), m.start(), m.end(), when))
    return sorted(found, key=lambda d: d.start)


def when_for(dates: list[DateMention]) -> dict[str, Any]:
    """The candidate's `when`: from the first date, noting any others."""
    if not dates:
        return {"as_of_source": True, "note": "no date in the sentence: as of the article"}
    when = dict(dates[0].when)
    if len(dates) > 1:
        when["note"] += "; the sentence also mentions " + ", ".join(f"“{d.text}”" for d in dates[1:])
    if not when.get("inferred"):
        del when["inferred"]
    return when


# --- numbers and names -----------------------------------------------------------

_NUMBER_RE = re.compile(
    r"(?<![\w.])(?:[$€£¥]\s?)?\d+(?:[,.]\d+)*"
    r"(?:\s?(?:per\s?cent|percent|bn|billion|mn|million|trillion|tn|thousand)\b|\s?%|[km]\b)?")


def find_numbers(sentence: str, skip: Sequence[tuple[int, int]] = ()) -> list[str]:
    """Figures and percentages, outside the spans already read as dates."""
    return [m.group(0) for m in _NUMBER_RE.finditer(sentence)
            if not any(m.start() < e and s < m.end() for s, e in skip)]


_NAME_RE = re.compile(r"[A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*)*")
_LOWER_RE = re.compile(r"(?<![\w-])[a-z][\w-]*")
# Capitalised words that are never a name on their own: months, days, titles.
_NOT_NAMES = frozenset([*(w.casefold() for w in (*calendar.month_name[1:], *calendar.day_name)),
                        "mr", "mrs", "ms", "dr", "prof", "sir"])
# Capitalised only because they open a sentence; most such words are English
# the base already knows, these are the common ones it may not.
_OPENERS = frozenset("""however meanwhile analysts yet still instead despite although though while since
according earlier later last next shares executives officials critics experts observers people many
several most some others another one two three both either neither even indeed overall""".split())


@dataclass(frozen=True, slots=True)
class Words:
    """What the whole article tells about a capitalised word at a sentence's start."""

    capitalised_inside: frozenset[str]
    """capitalised somewhere other than a sentence's start: a name"""
    lowercase: frozenset[str]
    """written in lower case somewhere: an ordinary word"""

    @classmethod
    def of(cls, sentences: list[str]) -> Words:
        inside: set[str] = set()
        for sentence in sentences:
            for m in _NAME_RE.finditer(sentence):
                words = m.group(0).split()
                inside.update(words[1:] if _at_start(sentence, m.start()) else words)
        lower = {w for s in sentences for w in _LOWER_RE.findall(s)}
        return cls(frozenset(inside), frozenset(lower))

    def opener(self, word: str) -> bool:
        """Is this sentence-initial word an ordinary word rather than a name?"""
        if word in self.capitalised_inside:
            return False
        folded = word.casefold()
        return folded in self.lowercase or folded in _OPENERS or folded.endswith("ly")


def _at_start(sentence: str, index: int) -> bool:
    return not sentence[:index].strip(" \"“‘'(")


def capitalised_names(sentence: str, known_words: frozenset[str], words: Words) -> list[str]:
    """Runs of capitalised words that might be names. A sentence's first word is
    dropped when it looks like an ordinary word (see Words.opener); runs made only
    of words the base or English already knows ("The", "Chinese", "March") are
    not names."""
    names = []
    for m in _NAME_RE.finditer(sentence):
        run = m.group(0).split()
        if _at_start(sentence, m.start()) and words.opener(run[0]):
            run = run[1:]
        while run and run[0].casefold() in STOPWORDS:
            run = run[1:]
        if not run or all(w.casefold() in known_words or w.casefold() in _NOT_NAMES for w in run):
            continue
        names.append(" ".join(run))
    return names


# --- the draft -----------------------------------------------------------------

_CATEGORY_CUES = (
    ("outlook", r"\b(?:will|expects?|expected|forecasts?|predicts?|likely|could)\b"),
    ("release", r"\b(?:releas\w*|launch\w*|unveil\w*|upgrad\w*|introduc\w*|rolled out|debut\w*)\b"),
    ("market", r"\b(?:shares?|stock|revenue|investors?|market|valuation|funding|sales|users)\b"),
    ("competition", r"\b(?:rivals?|compet\w*|race|catch up|ahead of|behind)\b"),
    ("capability", r"\b(?:benchmark\w*|reasoning|coding|performance|outperform\w*|capabilit\w*)\b"),
)


_FORECAST_RE = re.compile(r"\b(will|would|could|may|might|expects?|likely|probably|forecasts?)\b",
                          re.IGNORECASE)


def guess_nature(sentence: str) -> str:
    """A first guess the maintainer must confirm: a sentence about what will
    happen is the article's forecast, never a reported event."""
    return "forecast" if _FORECAST_RE.search(sentence) else "reported"


def guess_category(sentence: str) -> str:
    """A first guess only, from cue words; the maintainer checks it."""
    return next((c for c, cue in _CATEGORY_CUES if re.search(cue, sentence, re.IGNORECASE)),
                "context")


@dataclass(frozen=True, slots=True)
class SourceMeta:
    id: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None


def draft_article(engine: Engine, text: str, meta: SourceMeta) -> dict[str, Any]:
    """The draft document: the source, candidate facts, candidate new entities."""
    headline, paragraphs = split_article(text)
    published = Published.parse(meta.published) if meta.published else None
    sentences = [(n, s) for n, para in enumerate(paragraphs, start=1) for s in split_sentences(para)]
    words = Words.of([s for _, s in sentences])
    known = engine.linker.vocabulary
    source: dict[str, Any] = {
        "id": meta.id,
        "title": meta.title or headline or "TODO: title",
        "outlet": meta.outlet or "TODO: outlet",
        "published": meta.published or "TODO: YYYY-MM-DD",
    }
    if meta.url:
        source["url"] = meta.url
    source.update(record=f"seeds/{meta.id}.md", paragraphs=max(len(paragraphs), 1))
    facts: list[dict[str, Any]] = []
    new: dict[str, list[dict[str, Any]]] = {}
    counts: dict[int, int] = {}
    for n, sentence in sentences:
        linked = engine.linker.link(sentence)
        for name in capitalised_names(sentence, known, words):
            if engine.linker.link(name).mentions or key(name) in engine.kb.alias_index:
                continue
            new.setdefault(name, []).append({"paragraph": n, "sentence": sentence})
        ids = list(linked.entity_ids)
        if not ids:
            continue
        counts[n] = counts.get(n, 0) + 1
        dates = find_dates(sentence, published)
        fact: dict[str, Any] = {
            "id": f"draft.{meta.id}.p{n}-{counts[n]}",
            "draft": True,
            "subject": ids[0],
            "entities": ids[1:],
            "category": guess_category(sentence),
            "statement": PLACEHOLDER,
            "evidence": sentence,
            "when": when_for(dates),
            "cite": {"source": meta.id, "paragraph": n},
            "nature": guess_nature(sentence),
            "numbers": find_numbers(sentence, [(d.start, d.end) for d in dates]),
        }
        facts.append(fact)
    return {
        "sources": [source],
        "facts": facts,
        "new_entities": [{"name": name, "seen": seen} for name, seen in new.items()],
    }


HEADER = """\
# Draft made by `python -m bot draft` from {article}. NOT part of the fact base.
# For each fact: rewrite `statement` in your own words (never copy `evidence`),
# check subject/entities/category/when, give it an id starting with its target
# file's name, then delete `draft`, `evidence` and `numbers`. Add the entities you
# want from `new_entities` to knowledge/entities.yaml and delete that list.
# Move what you keep into knowledge/, run `python -m bot validate`, then !reload.
"""


class DraftError(Exception):
    """Why a draft was not written; the CLI prints it and exits 1."""


def write_draft(draft: dict[str, Any], out: Path, knowledge_dir: Path, article: str = "an article") -> Path:
    """Write the draft to `out`, refusing a path inside the knowledge directory
    (a draft there would be loaded) and never replacing an existing file."""
    if out.resolve().is_relative_to(knowledge_dir.resolve()):
        raise DraftError(f"{out} is inside the knowledge directory {knowledge_dir}: drafts go "
                         "elsewhere (default drafts/) until they are edited")
    text = HEADER.format(article=article) + yaml.safe_dump(draft, allow_unicode=True, sort_keys=False,
                                                           width=100)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise DraftError(f"{out} already exists: not overwriting it (move it away or use --out)") from None
    except OSError as exc:
        raise DraftError(f"cannot write {out}: {exc.strerror}") from None
    return out


def make_draft(engine: Engine, article: Path, meta: SourceMeta, out: Path | None,
               knowledge_dir: Path) -> tuple[Path, dict[str, Any]]:
    """Everything `python -m bot draft` does: check the inputs, draft, write.
    Raises DraftError with a message for the maintainer."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", meta.id):
        raise DraftError(f"source id {meta.id!r} must be lowercase letters, digits, '.', '_' or '-'")
    if meta.published is not None:
        try:
            _parse_partial_date(meta.published)
        except ValueError as exc:
            raise DraftError(f"--date: {exc}") from None
    try:
        text = article.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DraftError(f"cannot read {article}: {getattr(exc, 'strerror', None) or exc}") from None
    draft = draft_article(engine, text, meta)
    out = out if out is not None else Path("drafts") / f"{meta.id}.yaml"
    return write_draft(draft, out, knowledge_dir, article=article.name), draft
