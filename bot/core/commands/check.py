"""`check <text>`: a message's claims set against the fact base.

For each sentence that names something the base knows, or states a figure or a
date, the closest facts (the engine's own retrieval, `ask`, plus the facts of
the entities named) that share what the sentence is about. Where the sentence
states a figure or a date, facts that state one of the same kind are compared:
the same value (within rounding, or within the range "about", "under"... allow)
is "the same"; facts the base marks as another account of it (`disputes`,
`updates`) are shown beside it; with no fact giving the same value, the closest
facts giving another are "different". It reports what the sources say and never
which is true.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from bot.core.answers import Answer, ClaimCheck, FactView, Finding, Kind, Section, usage
from bot.core.claims import (
    Figure,
    Statements,
    dates_agree,
    fact_dates,
    find_dates,
    read,
    sentences,
)
from bot.core.linker import STOPWORDS
from bot.core.search import chinese_words, stem
from bot.core.wording import date_label
from bot.knowledge.schema import Nature
from bot.shared.formats import human_join, plural, quote_input
from bot.shared.normalize import is_cjk, tokens_uncached

if TYPE_CHECKING:
    from bot.core.engine import Engine

T = TypeVar("T")

MAX_TEXT = 4000
"""a Discord message is at most 4,000 characters (Nitro); longer text is cut"""
MAX_CLAIMS = 6
MAX_SHOWN = 3
"""facts shown per list of a claim"""
CLAIM_WIDTH = 160
_NOISE = frozenset("""
million billion trillion thousand percent per cent dollars dollar usd us yuan rmb bn mn
reportedly reported just only came come out around nearly roughly approximately over under than least
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
"""words of a claim that say how much or when, not what about"""
_BACK = {(w,) for w in "it its they their this that these those he she his her 它 其 他 她".split()}
"""first words of a sentence that refer back to what the one before named"""

HOW = "Give me the text to check, e.g. `check DeepSeek's R1 cost $5.6M to train`."
NOT_JUDGED = ("What the fact base's sources say, not a verdict: it does not judge which "
              "account is true.")


def answer(engine: Engine, text: str) -> Answer:
    text = text.strip()
    if not text:
        return usage("check", HOW)
    checks: list[ClaimCheck] = []
    carried: tuple[str, ...] = ()
    skipped = 0
    for sentence in sentences(text[:MAX_TEXT]):
        linked = engine.linker.link(sentence)
        # "DeepSeek released R1. It cost $5.6M to train.": "it" is still R1
        ids = linked.entity_ids or (carried if linked.tokens[:1] in _BACK else ())
        carried = linked.entity_ids or carried
        stated = read(sentence)
        topic = _topic(linked.free, sentence)
        if not linked.entity_ids and not stated.texts and len(topic) < 2:
            continue  # "lol", "what do you think?": not a claim
        if len(checks) == MAX_CLAIMS:
            skipped += 1
            continue
        checks.append(_check(engine, sentence, ids, stated, topic))
    if not checks:
        return Answer(Kind.CHECK, "Nothing to check", query=text, command="check",
                      summary="I found nothing in that to check against the fact base: no name "
                              "it knows, and no figure or date.")
    return _answer(engine, text, checks, skipped)


# --- one claim ----------------------------------------------------------------------


def _topic(free: Iterable[str], sentence: str) -> frozenset[str]:
    """What a claim is about: its words outside the names, stemmed, without the
    words of its figures and dates."""
    words = [*free, *chinese_words(sentence)]
    return frozenset(stem(w) for w in words if _content(w))


def _content(word: str) -> bool:
    return (len(word) > 1 and word not in STOPWORDS and word not in _NOISE and not is_cjk(word)
            and not any(c.isdigit() for c in word))


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in tokens_uncached(text) if _content(w))


def _fact_topic(engine: Engine, fact_id: str) -> tuple[frozenset[str], frozenset[str]]:
    """(what the statement is about, what its keywords and category add)."""
    fact = engine.kb.facts[fact_id]

    def work() -> tuple[frozenset[str], frozenset[str]]:
        said = _stems(fact.statement)
        return said, _stems(" ".join((*fact.keywords, fact.category))) - said

    return engine.memo(("check: topic", fact_id), work)


def _fact_figures(engine: Engine, fact_id: str) -> tuple[Figure, ...]:
    statement = engine.kb.facts[fact_id].statement
    return engine.memo(("check: figures", fact_id), lambda: read(statement).figures)


def _fact_dates(engine: Engine, fact_id: str) -> list[tuple[str, str | None]]:
    """The fact's own date; for a fact dated as of its source, the dates its statement gives."""
    fact = engine.kb.facts[fact_id]
    return fact_dates(fact.when) or [(d.date, None) for d in find_dates(fact.statement)]


def _related(engine: Engine, sentence: str, ids: tuple[str, ...], topic: frozenset[str]
             ) -> list[str]:
    """The facts closest to a claim, best first: what the engine's retrieval finds
    for it, and the facts of the entities it names, that share what it is about."""
    kb = engine.kb
    asked = engine.ask(sentence)
    retrieved = [f.id for f in asked.facts] if asked.kind is Kind.ANSWER else []
    rank = {f: n for n, f in enumerate(retrieved)}
    pool = dict.fromkeys(retrieved)
    for eid in ids:
        pool.update(dict.fromkeys(kb.facts_by_entity.get(eid, ())))
    # One shared word is enough for a short claim, or for a fact about what the claim
    # names; otherwise two, so that "Alibaba opened an office on Mars" is not about the
    # open-source models of Alibaba's Qwen.
    needed = min(2, (len(topic) + 1) // 2)
    scored = []
    for fid in pool:
        said, added = _fact_topic(engine, fid)
        in_statement, in_keywords = len(topic & said), len(topic & added)
        fact = kb.facts[fid]
        if in_statement + in_keywords < (min(needed, 1) if fact.subject in ids else needed):
            continue
        scored.append(((-2 * in_statement - in_keywords, fact.subject not in ids, fid not in rank,
                        rank.get(fid, 0), fact.nature is not Nature.REPORTED, fid), fid))
    return [fid for _, fid in sorted(scored)]


def _compare(engine: Engine, related: list[str], ids: tuple[str, ...], claimed: Sequence[T],
             values: Callable[[str], Sequence], comparable: Callable[[T, object], bool],
             agrees: Callable[[T, object], bool]) -> tuple[list[str], list[str]]:
    """(facts giving the same value, facts giving another) among the related facts
    that state a value of the same kind; the claim's own subject first."""
    pairs = {f: [(c, v) for c in claimed for v in values(f) if comparable(c, v)] for f in related}
    candidates = [f for f in related if pairs[f]]
    if candidates and ids:
        # the facts about most of what the claim names, its subject's own first: R1's
        # release date, not another DeepSeek release's
        closeness = {f: _closeness(engine, f, ids) for f in candidates}
        best = max(closeness.values())
        candidates = [f for f in candidates if closeness[f] == best]
    same = [f for f in candidates if any(agrees(c, v) for c, v in pairs[f])]
    if same:
        accounts = {o for f in same for o in engine.linked.get(f, ())}
        different = [f for f in candidates if f in accounts and f not in same]
    else:
        different = candidates
    return same, different


def _closeness(engine: Engine, fact_id: str, ids: tuple[str, ...]) -> tuple[int, bool]:
    fact = engine.kb.facts[fact_id]
    return len(set(ids) & {fact.subject, *fact.entities}), fact.subject in ids


def _check(engine: Engine, sentence: str, ids: tuple[str, ...], stated: Statements,
           topic: frozenset[str]) -> ClaimCheck:
    claim = quote_input(sentence, CLAIM_WIDTH)  # shown back: nothing typed may ping or format
    related = _related(engine, sentence, ids, topic)
    if not related:
        return ClaimCheck(claim, Finding.NOTHING, stated.texts, ids)
    same: dict[str, None] = {}
    different: dict[str, None] = {}
    if stated.figures:
        s, d = _compare(engine, related, ids, stated.figures, lambda f: _fact_figures(engine, f),
                        Figure.comparable, Figure.agrees)
        same.update(dict.fromkeys(s))
        different.update(dict.fromkeys(d))
    if stated.dates:
        s, d = _compare(engine, related, ids, stated.dates, lambda f: _fact_dates(engine, f),
                        lambda _c, _v: True,
                        lambda c, v: dates_agree(c.date, *v))
        same.update(dict.fromkeys(s))
        different.update(dict.fromkeys(d))
    different = {f: None for f in different if f not in same}
    views = engine.fact_view
    if different:
        finding = Finding.DIFFERENT
    elif same:
        finding = Finding.SAME
    else:
        return ClaimCheck(claim, Finding.RELATED, stated.texts, ids,
                          related=tuple(views(f) for f in related[:MAX_SHOWN]))
    return ClaimCheck(claim, finding, stated.texts, ids,
                      same=tuple(views(f) for f in list(same)[:MAX_SHOWN]),
                      different=tuple(views(f) for f in list(different)[:MAX_SHOWN]))


# --- the answer -----------------------------------------------------------------------


def _lines(engine: Engine, check: ClaimCheck) -> tuple[str, ...]:
    stated = human_join(check.stated)
    line = engine.fact_line
    if check.finding is Finding.NOTHING:
        known = human_join(engine.name(e) for e in check.entities)
        also = f" (it knows {known}: try `about {engine.name(check.entities[0])}`)" if known else ""
        return (f"The fact base has nothing on this{also}.",)
    if check.finding is Finding.RELATED:
        head = (f"The fact base states nothing to set against {stated}; the closest facts:"
                if stated else "The closest facts in the base:")
        return (head, *(line(v) for v in check.related))
    if check.finding is Finding.SAME:
        return (f"The base has the same as the message ({stated}):",
                *(f"Same: {line(v)}" for v in check.same))
    head = (f"The base's sources differ on this: some give the same as the message ({stated}), "
            "others do not:" if check.same else
            f"The base has it differently (the message says {stated}):")
    return (head, *(f"Same: {line(v)}" for v in check.same),
            *(f"Differs: {line(v)}" for v in check.different))


def _answer(engine: Engine, text: str, checks: list[ClaimCheck], skipped: int) -> Answer:
    counts = {f: sum(c.finding is f for c in checks) for f in Finding}
    parts = [f"{counts[Finding.DIFFERENT]} where the base has it differently"
             if counts[Finding.DIFFERENT] else "",
             f"{counts[Finding.SAME]} where it has the same" if counts[Finding.SAME] else "",
             f"{counts[Finding.RELATED]} with related facts only" if counts[Finding.RELATED] else "",
             f"{counts[Finding.NOTHING]} it has nothing on" if counts[Finding.NOTHING] else ""]
    summary = f"{plural(len(checks), 'claim')} checked: {human_join(p for p in parts if p)}."
    if skipped:
        summary += f" ({plural(skipped, 'more sentence')} not checked: at most {MAX_CLAIMS}.)"
    summary += " " + NOT_JUDGED
    shown: dict[str, FactView] = {}
    for check in checks:
        for view in (*check.same, *check.different, *check.related):
            shown.setdefault(view.id, view)
    different = {v.id: v for c in checks for v in c.different}
    sections = tuple(Section(f"“{c.claim}”", _lines(engine, c)) for c in checks)
    as_of = date_label(max(engine.known_on(f) for f in shown)) if shown else ""
    entities = tuple(dict.fromkeys(e for c in checks for e in c.entities))
    return Answer(Kind.CHECK, "Checked against the fact base", query=text, summary=summary,
                  sections=sections, facts=tuple(shown.values()), entities=entities,
                  command="check", as_of=as_of, differ=tuple(different.values()),
                  checks=tuple(checks))
