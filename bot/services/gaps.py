"""The maintainers' report: what the query log says the fact base should add.

Built from the log's rows (`QueryLog.entries`) in plain Python, so that every
storage behind the log gives the same report: names people asked about that the
base does not know (real names only, see bot/services/namelike.py), names an
answer silently left out, questions the base could not answer grouped by what
they asked, the answers people disliked with the facts they showed, and the
questions of each week, answered or not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.core import Engine
from bot.services.namelike import ANSWERED_NOTHING, NOT_QUESTIONS, display, is_name
from bot.shared.formats import plural, shorten

ROW_WIDTH = 100
"""a report line's question or statement is cut to this many characters"""
SAMPLES = 3
FACTS_SHOWN = 5
"""of a disliked answer's facts, the first this many are listed"""

# What a question asks, by the words it uses (English and Chinese); the first
# match wins, so narrower predicates come first.
PREDICATES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE)) for label, pattern in (
        ("founding dates", r"\bfound(?:ed|ing)\b|\bestablish(?:ed)?\b|\bset up\b|\bstarted\b"
                           r"|\bhow old\b|成立|创立|创办"),
        ("leaders and founders", r"\bceo\b|\bfounders?\b|\bleaders?\b|\bleads?\b|\bruns?\b|\bhead"
                                 r"(?:ed|s)?\b|\bboss\b|\bchair(?:man|woman)?\b|\bexecutives?\b"
                                 r"|创始人|老板|领导|总裁"),
        ("parameters and model size", r"\bparam(?:eter)?s?\b|\bhow (?:big|large)\b|\bsize\b"
                                      r"|\bcontext (?:window|length)\b|参数|规模"),
        ("prices and costs", r"\bpric(?:e|es|ing|ed)\b|\bcosts?\b|\bhow much\b|\bcheap(?:er|est)?\b"
                             r"|\bexpensive\b|\bfree\b|\bsubscription\b|价格|多少钱|成本|费用"),
        ("funding and valuation", r"\bfund(?:ing|ed|raising)?\b|\braised?\b|\bvaluation\b"
                                  r"|\bvalued\b|\binvest(?:ed|ors?|ment)?\b|\bipo\b|融资|估值|投资"),
        ("benchmarks and performance", r"\bbenchmarks?\b|\bscores?\b|\bperform(?:s|ance)?\b"
                                       r"|\bbeats?\b|\bbetter than\b|\bfaster\b|\bsmarter\b|性能|评测"),
        ("chips and compute", r"\bchips?\b|\bgpus?\b|\bnvidia\b|\bcompute\b|\bhardware\b"
                              r"|\btrain(?:ed|ing)? on\b|芯片|算力"),
        ("regulation and controls", r"\bregulat\w*|\bban(?:ned|s)?\b|\bexport controls?\b"
                                    r"|\bsanctions?\b|\bcensor\w*|\blaw\b|监管|禁令|制裁"),
        ("users and revenue", r"\busers?\b|\bdownloads?\b|\bmarket share\b|\brevenue\b|\bprofit"
                              r"\w*|\bsales\b|\bcustomers?\b|用户|收入|营收"),
        ("releases and launches", r"\brelease[sd]?\b|\blaunch(?:ed|es)?\b|\bcame out\b"
                                  r"|\bannounc\w*|\bnewest\b|\blatest\b|\bnext model\b|\bwhen will\b"
                                  r"|发布|推出|上线"),
        ("headquarters and people", r"\bheadquarter\w*|\bbased\b|\bwhere is\b|\bemployees?\b"
                                    r"|\bstaff\b|\bhow many people\b|总部|员工"),
    ))


def what_asked(question: str) -> str | None:
    """The kind of fact a question wants ("founding dates", "prices and costs"...), or None."""
    return next((label for label, pattern in PREDICATES if pattern.search(question)), None)


@dataclass(frozen=True, slots=True)
class Logged:
    """One logged answer as the report reads it back: what was written
    (querylog_model.Entry, less its version and latency) and what came after,
    whether it took a suggestion and the votes it got."""

    id: int
    at: dt.datetime
    front_end: str
    command: str
    query: str
    normalized: str
    kind: str
    entities: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    took_suggestion: str | None = None
    facts: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    up: int = 0
    down: int = 0

    @property
    def is_question(self) -> bool:
        """An empty line, `help` or a usage message is nothing the base could add to."""
        return bool(self.normalized) and self.kind not in NOT_QUESTIONS

    @property
    def outcome(self) -> str:
        """answered, unanswered (on topic, nothing to say) or not found."""
        if self.kind == "unanswered":
            return "unanswered"
        return "not found" if self.kind in ANSWERED_NOTHING else "answered"


@dataclass(frozen=True, slots=True)
class NameSeen:
    name: str
    count: int
    sample: str
    """the latest question that used it"""
    known_as: str | None = None
    """the entity the current base links it to, when it has one since"""


@dataclass(frozen=True, slots=True)
class Asked:
    """Unanswered questions that asked for one kind of fact."""

    what: str
    count: int
    about: tuple[str, ...]
    """the names they asked it of, most asked first"""
    samples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Voted:
    """One answer's feedback, with the facts it showed."""

    query_id: int
    query: str
    command: str
    up: int
    down: int
    facts: tuple[tuple[str, str | None], ...] = ()
    """(fact id, its statement in the current base, or None when it is gone)"""


@dataclass(frozen=True, slots=True)
class Week:
    start: dt.date
    """the Monday"""
    answered: int = 0
    unanswered: int = 0
    not_found: int = 0


@dataclass(frozen=True, slots=True)
class Report:
    days: int | None
    total: int = 0
    answered: int = 0
    unanswered_count: int = 0
    not_found: int = 0
    unanswered: list[tuple[str, int]] = field(default_factory=list)
    """questions the base had nothing on, grouped by normalised text, most frequent first"""
    unknown_names: list[NameSeen] = field(default_factory=list)
    dropped_names: list[NameSeen] = field(default_factory=list)
    asked: list[Asked] = field(default_factory=list)
    suggestions_offered: int = 0
    """answers that had nothing and offered did-you-mean suggestions"""
    suggestions_taken: list[tuple[str, int]] = field(default_factory=list)
    by_command: dict[str, int] = field(default_factory=dict)
    by_front_end: dict[str, int] = field(default_factory=dict)
    most_disliked: list[Voted] = field(default_factory=list)
    weeks: list[Week] = field(default_factory=list)
    not_logged: int = 0
    """answers never logged because the database stayed down (bot.services.querylog)"""


def build(entries: Iterable[Logged], days: int | None = None, engine: Engine | None = None,
          limit: int = 10, not_logged: int = 0) -> Report:
    """The report of these entries (oldest first); with `engine`, the current base
    says which names it knows since and what the disliked answers' facts say.
    `not_logged`: how many more answers the log lost, for the headline."""
    entries = list(entries)
    questions = [e for e in entries if e.is_question]
    outcomes = Counter(e.outcome for e in questions)
    nothing = [e for e in questions if e.outcome != "answered"]
    unanswered = Counter(e.normalized for e in nothing)
    return Report(
        days, len(entries), outcomes["answered"], outcomes["unanswered"], outcomes["not found"],
        unanswered=sorted(unanswered.items(), key=lambda t: (-t[1], t[0]))[:limit],
        unknown_names=_names(((e, e.unknown) for e in entries), engine, limit),
        dropped_names=_names(((e, e.dropped) for e in entries), engine, limit),
        asked=_asked(nothing, engine),
        suggestions_offered=sum(1 for e in entries if e.kind in ANSWERED_NOTHING and e.suggestions),
        suggestions_taken=_ranked(Counter(e.took_suggestion for e in entries if e.took_suggestion)),
        by_command=dict(_ranked(Counter(e.command for e in entries))),
        by_front_end=dict(_ranked(Counter(e.front_end for e in entries))),
        most_disliked=_disliked(entries, engine, limit),
        weeks=_weeks(questions), not_logged=not_logged)


def _ranked(counts: Counter) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda t: (-t[1], t[0]))


def _names(seen: Iterable[tuple[Logged, Sequence[str]]], engine: Engine | None,
           limit: int) -> list[NameSeen]:
    counts: Counter[str] = Counter()
    samples: dict[str, str] = {}
    for entry, names in seen:
        for name in dict.fromkeys(names):
            if name and is_name(name, entry.query):
                counts[name] += 1
                samples[name] = entry.query  # entries come oldest first: the latest wins
    out = []
    for name, n in _ranked(counts)[:limit]:
        known = None
        if engine is not None:
            eid = engine.linker.resolve(name).entity_id
            known = engine.name(eid) if eid else None
        out.append(NameSeen(display(name), n, samples[name], known))
    return out


def _asked(nothing: list[Logged], engine: Engine | None) -> list[Asked]:
    groups: dict[str, list[Logged]] = defaultdict(list)
    for entry in nothing:
        what = what_asked(entry.query)
        if what is not None:
            groups[what].append(entry)
    out = []
    for what, group in groups.items():
        about: Counter[str] = Counter()
        for entry in group:
            names = [engine.name(e) if engine is not None and e in engine.kb.entities else e
                     for e in entry.entities]
            names += [display(u) for u in entry.unknown if is_name(u, entry.query)]
            about.update(list(dict.fromkeys(names)))
        samples = tuple(dict.fromkeys(e.query for e in reversed(group)))[:SAMPLES]
        out.append(Asked(what, len(group), tuple(n for n, _ in _ranked(about)[:5]), samples))
    return sorted(out, key=lambda a: (-a.count, a.what))


def _disliked(entries: list[Logged], engine: Engine | None, limit: int) -> list[Voted]:
    worst = sorted((e for e in entries if e.down), key=lambda e: (-e.down, e.up, e.id))[:limit]
    facts = engine.kb.facts if engine is not None else {}
    return [Voted(e.id, e.query, e.command, e.up, e.down,
                  tuple((f, facts[f].statement if f in facts else None) for f in e.facts))
            for e in worst]


def _weeks(questions: list[Logged]) -> list[Week]:
    """Every week from the first question's to the last's, empty weeks included."""
    if not questions:
        return []
    counts: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for entry in questions:
        day = entry.at.astimezone(dt.UTC).date()
        counts[day - dt.timedelta(days=day.weekday())][entry.outcome] += 1
    first, last = min(counts), max(counts)
    weeks = []
    while first <= last:
        c = counts.get(first, Counter())
        weeks.append(Week(first, c["answered"], c["unanswered"], c["not found"]))
        first += dt.timedelta(days=7)
    return weeks


def render(report: Report) -> str:
    period = f"the last {plural(report.days, 'day')}" if report.days is not None else "all time"
    out = [f"Query report, {period}: {plural(report.total, 'query', 'queries')} "
           f"({report.answered} answered, {report.unanswered_count} unanswered, "
           f"{report.not_found} not found)"
           + (f", {report.not_logged:,} more not logged: the database was down"
              if report.not_logged else "")]

    def section(title: str, lines: list[str]) -> None:
        out.extend(["", title])
        out.extend(f"  {line}" for line in lines or ["(none)"])

    def names(seen: list[NameSeen]) -> list[str]:
        return [f"{n.count:>4}  {shorten(n.name, 40)}"
                + (f"  (now known: {n.known_as})" if n.known_as else "")
                + f"  e.g. “{shorten(n.sample, ROW_WIDTH)}”" for n in seen]

    section("What to add: names people asked about that the base does not know:",
            names(report.unknown_names))
    section("Names left out of answered questions (the answer said nothing of them):",
            names(report.dropped_names))
    section("Questions the base could not answer, by what they asked:",
            [f"{a.count:>4}  {a.what}" + (f" of {', '.join(a.about)}" if a.about else "")
             + ": " + "; ".join(f"“{shorten(s, 60)}”" for s in a.samples) for a in report.asked])
    lines = []
    for v in report.most_disliked:
        lines.append(f"{v.up:>3}/{v.down:<3} [{v.command}] {shorten(v.query, ROW_WIDTH)} "
                     f"(#{v.query_id})")
        lines += [f"          {fid}: " + (shorten(text, ROW_WIDTH) if text else "(no longer in the base)")
                  for fid, text in v.facts[:FACTS_SHOWN]]
        if len(v.facts) > FACTS_SHOWN:
            lines.append(f"          …and {len(v.facts) - FACTS_SHOWN} more")
    section("Most disliked answers (👍/👎), with the facts they showed:", lines)
    section("Unanswered questions (nothing in the base), by normalised text:",
            [f"{n:>4}  {shorten(text, ROW_WIDTH)}" for text, n in report.unanswered])
    taken = sum(n for _, n in report.suggestions_taken)
    section(f"Did-you-mean suggestions taken ({taken} after {report.suggestions_offered} "
            "answers offering some):",
            [f"{n:>4}  {eid}" for eid, n in report.suggestions_taken])
    section("Questions per week (answered / unanswered / not found):",
            [f"{w.start}  {w.answered:>4} / {w.unanswered:>4} / {w.not_found:>4}"
             for w in report.weeks[-12:]])
    section("Answers per command:", [f"{n:>4}  {c}" for c, n in report.by_command.items()])
    section("Answers per front end:", [f"{n:>4}  {f}" for f, n in report.by_front_end.items()])
    return "\n".join(out)


def weekly_series(report: Report) -> list[tuple[dt.date, int, int, int]]:
    """What the weekly picture draws: (Monday, answered, unanswered, not found)."""
    return [(w.start, w.answered, w.unanswered, w.not_found) for w in report.weeks]
