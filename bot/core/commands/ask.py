"""`ask <question>`: the facts that answer a question in free text, the best
first, each with its citation; or, plainly, that the sources don't say.

Three signals rank the facts: words shared with the question's predicate (the
lexical index, precise on names and rare words), meaning (the embedding of the
question against each fact's), and the entities named, which boost the facts
about them and their makers or models without excluding the rest. Whether
anything answers is decided from the predicate (bot.core.question): a fact
answers only if it speaks of what is asked (a founding, a price, a figure for
"how many", a date for "when") and is close enough to the question.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from bot.core.answers import Answer, Kind, Section, usage
from bot.core.commands import about, compare
from bot.core.linker import STOPWORDS, Linked
from bot.core.question import Frame, Question, Wh, answers_shape, has_evidence, parse, pure_comparison
from bot.core.search import chinese_words, stem
from bot.knowledge.schema import EntityKind
from bot.shared.formats import human_join, quote_input, shorten
from bot.shared.normalize import is_cjk

if TYPE_CHECKING:
    from bot.core.engine import Engine

MAX_FACTS = 5
BROAD = frozenset({EntityKind.COUNTRY, EntityKind.MARKET, EntityKind.GROUP})
"""kinds of entity that set a scene rather than say what a question is about"""
MAX_RELATED = 3
FLAT_SCAN_UP_TO = 5_000
"""bases up to this many facts are scanned whole for meaning; beyond it, only
the candidates that the names and words bring (scanning 100,000 vectors per
question would take 15 ms)"""
LEXICAL_CANDIDATES = 300


@dataclass(frozen=True, slots=True)
class Tuning:
    """The weights and thresholds, tuned on bench/questions' tuning half."""

    dense: float = 1.0
    lexical: float = 0.5
    entity: float = 0.25
    tagged: float = 0.7
    """a predicate word found only in a fact's keywords counts this much"""
    each_more: float = 0.15
    """for each further asked name a fact is about"""
    family: float = 0.12
    address: float = 0.6
    similar_from: float = 0.25
    similar_at: float = 0.6
    """meaning alone: a similarity of `similar_from` addresses nothing, one of
    `similar_at` or more addresses the predicate fully"""
    answers_at: float = 0.4
    """a fact answers when its address reaches this"""
    keep_within: float = 0.15
    """further answering facts are shown while within this of the best"""
    no_entity_at: float = 0.6
    """without a known name, the bar for the best fact"""


DEFAULT = Tuning()


@dataclass(frozen=True, slots=True)
class Scored:
    fact_id: str
    score: float
    address: float
    """how closely the fact speaks to what is asked beyond the names"""
    fits: bool
    """it has what the question's type and predicate need"""
    about: frozenset[str]
    """the asked entities it is about"""


def answer(engine: Engine, question: str, tuning: Tuning = DEFAULT) -> Answer:
    if not question.strip():
        return usage("ask", "Ask me something, e.g. `ask what did deepseek release`.")
    linked = engine.linker.link(question)
    q = parse(question, linked)
    asked = list(dict.fromkeys(linked.entity_ids))
    unknown = _unknown_names(engine, question, linked)
    variants = _variants(engine, linked)
    if variants:  # "deepseek v5": not DeepSeek, a model the base does not know
        # and not its maker either: "when did baidu release ernie 4.0" asks of ERNIE 4.0
        asked = [e for e in asked if not any(v in engine.family(e) for v in variants)]
        unknown = [*variants.values(), *(u for u in unknown
                                         if not any(u.casefold() in v.casefold()
                                                    for v in variants.values()))]
        if not asked:
            return _unknown_variant(engine, question, linked, variants)
    # "阿里的qwen" names Alibaba's Qwen, not two things to compare
    distinct = [e for e in asked if not any(o != e and o in engine.family(e) for o in asked)]
    if asked and q.just_names and len(distinct) == 1:
        return about.answer(engine, engine.kb.entities[distinct[0]].name)
    scored = rank(engine, q, asked, tuning)
    if len(distinct) >= 2 and (q.names_only or pure_comparison(q)):
        return _comparison(engine, q, distinct[:4], scored)
    # "how much is china putting into the AI Plus plan" asks of the plan: a fact
    # about China alone does not answer it
    specific = [e for e in asked if engine.kb.entities[e].kind not in BROAD] or asked
    answering = _answering(scored, specific, tuning)
    made = _maker_answer(engine, q, asked)
    if made:
        answering = [*made, *(s for s in answering if s not in made)][:MAX_FACTS]
    if not answering:
        if not asked:
            return _not_found(engine, question, linked, unknown)
        return _unanswered(engine, q, asked, scored, unknown)
    return _answer(engine, q, asked, answering, unknown, made)


# --- ranking -------------------------------------------------------------------


def makers(engine: Engine, asked: list[str]) -> set[str]:
    """The makers of the models asked about: "qwen" brings in Alibaba's facts, at
    a lower weight (what a maker does is not what its model does)."""
    return {engine.kb.entities[e].parent for e in asked} - {None, *asked}  # type: ignore[return-value]


def rank(engine: Engine, q: Question, asked: list[str], tuning: Tuning = DEFAULT) -> list[Scored]:
    """Every candidate scored in two passes: meaning, words and names for all
    (vectorised), then, for the best few, how closely each speaks to what is
    asked beyond the names (its `address`), which orders them and decides
    whether any answers."""
    kb = engine.kb
    vectors = engine.vectors
    near = makers(engine, asked)
    # A question about DeepSeek is about its V3 and R1 too.
    reach = {eid: frozenset(engine.family(eid)) for eid in asked}
    words = [*q.predicate, *chinese_words("".join(t for t in q.linked.tokens if is_cjk(t)))]
    lexical, _ = engine.terms.score(words)
    known = {stem(w) for w in words if w not in STOPWORDS} & engine.terms.idf.keys()
    total_idf = sum(engine.terms.idf[t] for t in known)
    # The facts about what is asked (and its models), counted per name asked: a
    # fact about two of the names asked leads one about only one.
    covered: Counter[str] = Counter()
    for family in reach.values():
        covered.update({f: None for e in family for f in kb.facts_by_entity.get(e, ())}.keys())
    made = {f for e in near for f in kb.facts_by_entity.get(e, ())}
    if len(kb.facts) <= FLAT_SCAN_UP_TO:
        others = [f for f in vectors.ids if f not in covered]
    else:  # candidates only: the words' best facts
        others = [f for f in heapq.nlargest(LEXICAL_CANDIDATES, lexical, key=lexical.get)
                  if f not in covered]
    residual = [*q.residual, *chinese_words("".join(t for t in q.linked.tokens if is_cjk(t)))]
    question = engine.embedder.one(" ".join((q.text, *words)))
    predicate = engine.embedder.one(" ".join(residual)) if residual else question

    def first_pass(ids: list[str], boost: np.ndarray | float, keep: int
                   ) -> list[tuple[float, str, float]]:
        if not ids or not keep:
            return []
        matrix = vectors.rows(np.fromiter(map(vectors.row.__getitem__, ids), np.int64, len(ids)))
        lex = np.fromiter((lexical.get(f, 0.0) for f in ids), np.float32, len(ids))
        lex = np.minimum(lex / total_idf, 1.0) if total_idf else np.zeros_like(lex)
        score = tuning.dense * (matrix @ question) + tuning.lexical * lex + boost
        top = np.argsort(-score, kind="stable")[:keep] if len(ids) > keep else np.arange(len(ids))
        p = matrix[top] @ predicate
        return [(float(score[i]), ids[i], float(pi)) for i, pi in zip(top.tolist(), p.tolist(),
                                                                      strict=True)]

    inside = list(covered)
    many = np.fromiter((covered[f] for f in inside), np.float32, len(inside))
    outside_boost = np.fromiter((tuning.family if f in made else 0.0 for f in others),
                                np.float32, len(others))
    # The facts about the names asked get the second pass first: they are the
    # only ones that can answer; a few others stay for questions without names.
    best = first_pass(inside, tuning.entity + tuning.each_more * (many - 1), SECOND_PASS) \
        + first_pass(others, outside_boost, SECOND_PASS if not asked else SECOND_PASS // 4)
    weights = _weights(engine, q, residual)
    out: list[Scored] = []
    for score, fid, p in best:
        fact = kb.facts[fid]
        involved = {fact.subject, *fact.entities}
        about = frozenset(a for a, r in reach.items() if involved & r)
        named = {a for a in asked if a not in about and engine.mentions(fid, a)}
        if named:  # named in the statement, though not listed with it
            score += tuning.each_more * len(named)
            about |= named
        # Evidence from what the fact says, not from its keywords, which are
        # written to catch questions ("who started DeepSeek") and so prove nothing.
        evidence = bool(q.frames) and has_evidence(
            q, f"{fact.statement} {fact.category} {fact.nature}")
        fits = (not q.frames or evidence) and answers_shape(
            q, fact.statement, not fact.when.as_of_source)
        if weights:
            address = _address(engine, fid, weights, p, evidence, tuning)
        else:  # nothing asked beyond a frame, a type or the names ("what is X for")
            address = 1.0 if evidence or (about and not q.frames) else _scaled(p, tuning)
        out.append(Scored(fid, score + tuning.address * address, address, fits, about))
    out.sort(key=lambda s: (-s.score, s.fact_id))
    return out


SECOND_PASS = 40


@dataclass(frozen=True, slots=True)
class _Word:
    weight: float
    frames: tuple[Frame, ...]
    """the asked frames this word asks for: a fact with their evidence speaks
    of it whatever its words ("launched" for "release")"""


def _weights(engine: Engine, q: Question, words: list[str]) -> dict[str, _Word]:
    """The residual predicate's words as index terms, each weighted by how rare it
    is in the base. A word the base never uses is left to meaning when it is
    everyday English, and otherwise weighs like the rarest: if nothing is
    close, the question is about something else, however well its other words
    match."""
    idf = engine.terms.idf
    top = max(idf.values(), default=1.0)
    out: dict[str, _Word] = {}
    for word in words:
        if word in STOPWORDS or is_cjk(word):
            continue
        term = stem(word)
        if term in idf:
            weight = idf[term]
        elif word in engine.terms.term_of:  # in the base, too common to index
            weight = 1.0
        elif engine.embedder.common(word):  # "react": the user's word; meaning decides
            continue
        else:  # "dumplings": something the base does not cover
            weight = top
        out[term] = _Word(weight, tuple(f for f in q.frames if f.asks.search(word)))
    return out


def _address(engine: Engine, fact_id: str, weights: dict[str, _Word], similarity: float,
             evidence: bool, tuning: Tuning) -> float:
    """How closely a fact speaks to the predicate, 0..1: the share of its words
    (by weight) the fact uses or, for a frame's words, has the evidence of; or
    its closeness in meaning, whichever is more."""
    says, tagged = engine.fact_terms(fact_id)
    total = sum(w.weight for w in weights.values())
    shared = 0.0
    for term, word in weights.items():
        if term in says or _near_word(term, says) or (evidence and word.frames):
            shared += word.weight
        elif term in tagged:  # a keyword: what the fact is about, less than what it says
            shared += word.weight * tuning.tagged
    return max(shared / total, _scaled(similarity, tuning))


def _scaled(similarity: float, tuning: Tuning) -> float:
    low, high = tuning.similar_from, tuning.similar_at
    return min(max((similarity - low) / (high - low), 0.0), 1.0)


def _near_word(term: str, have: frozenset[str]) -> bool:
    """One word form for another, beyond what stemming catches: "navigation" for
    "navigate", and a compound for its head, "smartphone" for "phone"."""
    return len(term) >= 5 and any(len(h) >= 4 and (h[:5] == term[:5] or term.endswith(h))
                                  for h in have)


def _answering(scored: list[Scored], asked: list[str], tuning: Tuning) -> list[Scored]:
    """The facts offered as the answer: those that fit and speak closely enough to
    the predicate, about a named entity when names were given, best first; with
    two names, the best for each before the rest."""
    bar = tuning.answers_at if asked else tuning.no_entity_at
    good = [s for s in scored if s.fits and s.address >= bar
            and (not asked or not s.about.isdisjoint(asked))]
    if not good:
        return []
    best = good[0].score
    close = [s for s in good if s.score >= best - tuning.keep_within]
    if len(asked) > 1:  # the best for each name, however far behind the best of all
        firsts = []
        for eid in asked:
            first = next((s for s in good if eid in s.about and s not in firsts), None)
            if first is not None:
                firsts.append(first)
        close = [*firsts, *(s for s in close if s not in firsts)]
        close.sort(key=lambda s: (-s.score, s.fact_id))
    good = close
    return good[:MAX_FACTS]


_MAKES = re.compile(r"\b(?:make[sr]?|made|build[s]?|built|develop(?:s|ed|er)?|behind|own(?:s|ed|er)?|"
                    r"creat(?:ed|or|es)|produce[sd]?|company|parent)\b|谁做|开发|哪家公司")


def _maker_answer(engine: Engine, q: Question, asked: list[str]) -> list[Scored]:
    """"Who makes Qwen?": the facts that tie a model to its maker, from the
    parent link the base records."""
    if q.wh is not Wh.WHO or not _MAKES.search(" ".join(q.linked.free)) or not asked:
        return []
    kb = engine.kb
    found: list[Scored] = []
    for eid in asked:
        parent = kb.entities[eid].parent
        if parent is None:
            continue
        names = [n.casefold() for n in kb.entities[parent].names]
        for fid in engine.by_relevance(kb.entities[eid], kb.facts_by_entity.get(eid, ())):
            fact = kb.facts[fid]
            text = fact.statement.casefold()
            if parent in (fact.subject, *fact.entities) or any(n in text for n in names):
                found.append(Scored(fid, 9.0, 1.0, True, frozenset({eid})))
                break
    return found


# --- the outcomes --------------------------------------------------------------


def _comparison(engine: Engine, q: Question, ids: list[str], scored: list[Scored]) -> Answer:
    """"qwen vs deepseek": the comparison table, led by the facts that set them
    against each other, when the sources have any."""
    table = compare.table(engine, ids, query=q.text)
    both = [s.fact_id for s in scored if len(s.about) >= 2][:MAX_RELATED]
    if table.kind is not Kind.COMPARISON or not both:
        return table
    views = tuple(engine.fact_view(f) for f in both)
    rest = tuple(v for v in table.facts if v.id not in both)
    return replace(table, facts=(*views, *rest), sections=(
        Section(f"What the sources say about {_names(engine, ids)} together",
                tuple(engine.fact_line(v) for v in views)), *table.sections))



def _names(engine: Engine, ids: list[str]) -> str:
    return human_join(engine.name(e) for e in ids)


def _answer(engine: Engine, q: Question, asked: list[str], answering: list[Scored],
            unknown: list[str], made: list[Scored]) -> Answer:
    kb = engine.kb
    views = tuple(engine.fact_view(s.fact_id) for s in answering)
    parts = []
    if made:
        made_by = [kb.entities[e] for s in made for e in s.about]
        parts.append(" ".join(f"{e.name} is made by {engine.name(e.parent)}."  # type: ignore[arg-type]
                              for e in made_by))
    elif asked:
        parts.append(f"About {_names(engine, asked)}.")
    if unknown:
        parts.append(_know_nothing(unknown))
    found = tuple(dict.fromkeys((*asked, *sorted(makers(engine, asked)),
                                 *(kb.facts[v.id].subject for v in views))))
    return Answer(Kind.ANSWER, quote_input(q.text, 200), query=q.text, summary=" ".join(parts),
                  sections=(Section("What the sources say",
                                    tuple(engine.fact_line(v) for v in views)),),
                  facts=views, entities=found, unknown=tuple(unknown), command="ask")


def _unanswered(engine: Engine, q: Question, asked: list[str], scored: list[Scored],
                unknown: list[str]) -> Answer:
    names = _names(engine, asked)
    missing = _missing(q, names)
    summary = f"The sources here don't say {missing}."
    if unknown:
        summary += " " + _know_nothing(unknown)
    related = [s.fact_id for s in scored if s.about][:MAX_RELATED]
    views = tuple(engine.fact_view(f) for f in related)
    sections = ()
    if views:
        sections = (Section(f"Related, though not an answer: what the sources do say about {names}",
                            tuple(engine.fact_line(v) for v in views)),)
    return Answer(Kind.UNANSWERED, quote_input(q.text, 200), query=q.text, summary=summary,
                  sections=sections, related=views, entities=tuple(asked),
                  unknown=tuple(unknown), command="ask")


def _missing(q: Question, names: str) -> str:
    if q.frames:
        return q.frames[0].missing.format(x=names)
    asked = " ".join(q.predicate) or "that"
    if q.wh is Wh.WHEN:
        return f"when {names} {asked}" if q.predicate else f"when that happened for {names}"
    if q.wh is Wh.QUANTITY:
        return f"how much or how many {asked} for {names}"
    if q.wh is Wh.WHY:
        return f"why, on {asked} for {names}"
    if q.wh is Wh.WHO:
        return f"who, on {asked} for {names}"
    return f"anything about “{shorten(asked, 80)}” for {names}"


def _not_found(engine: Engine, question: str, linked: Linked, unknown: list[str]) -> Answer:
    suggestions = tuple(engine.name(e) for u in linked.unresolved for e in u.suggestions)
    known = engine.known_names()
    words = unknown or unknown_words(engine, linked)
    summary = "The fact base has nothing on that, and I won't guess."
    if words:
        quoted = [f"“{quote_input(w)}”" for w in words[:3]]
        summary = f"The fact base has nothing on {human_join(quoted)}, and I won't guess."
    if suggestions:
        summary += f" Did you mean {human_join(suggestions, 'or')}?"
    summary += f" I can tell you about {human_join(known)}."
    return Answer(Kind.NOT_FOUND, "Nothing in the fact base on that", query=question,
                  summary=summary, suggestions=suggestions,
                  unknown=tuple(dict.fromkeys([*(u.text for u in linked.unresolved), *words])),
                  command="ask")


def _know_nothing(unknown: list[str]) -> str:
    return f"I know nothing about {human_join([f'“{quote_input(u)}”' for u in unknown], 'or')}."


# --- names the base does not know ------------------------------------------------

_VERSION = re.compile(r"^(?:[a-z]{1,2})?\d{1,3}[a-z]?$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _variants(engine: Engine, linked: Linked) -> dict[str, str]:
    """Names followed by a version the base does not have: "ernie 4.0", "kimi k3",
    "deepseek v5" (entity id -> the name as asked). A version the base knows is an
    alias and was read as a whole ("qwen 2.5"), so only unknown ones are left here."""
    found: dict[str, str] = {}
    free = set(range(len(linked.tokens)))
    for m in linked.mentions:
        start = m.end - len(m.text.split())
        free -= set(range(start, m.end))
    for m in linked.mentions:
        version = []
        for i in range(m.end, min(m.end + 2, len(linked.tokens))):
            token = linked.tokens[i]
            if i not in free or not _VERSION.match(token) or _YEAR.match(token):
                break
            version.append(token)
        if version and engine.kb.children.get(m.entity_id):
            found[m.entity_id] = f"{engine.name(m.entity_id)} {'.'.join(version).upper()}"
    return found


def _unknown_variant(engine: Engine, question: str, linked: Linked,
                     variants: dict[str, str]) -> Answer:
    """Nothing on the version asked; the versions the base does know, offered."""
    names = [engine.name(c) for e in variants for c in engine.family(e)[1:]
             if engine.kb.facts_by_entity.get(c)
             and engine.kb.entities[c].kind is not EntityKind.PERSON][:6]
    asked = human_join([f"“{v}”" for v in variants.values()], "or")
    summary = f"I know nothing about {asked}."
    if names:
        summary += f" The sources here cover {human_join(names)}."
    return Answer(Kind.NOT_FOUND, "Nothing in the fact base on that", query=question,
                  summary=summary, suggestions=tuple(names),
                  unknown=tuple(variants.values()), command="ask")


_NAMEISH = re.compile(r"\b(?:[A-Z][\w.-]*\d[\w.-]*|[A-Za-z]+-?\d[\w.]*|[A-Z][a-z]+[A-Z]\w*)\b")


def _unknown_names(engine: Engine, question: str, linked: Linked) -> list[str]:
    """What looks like a name in the question and matched nothing: "R1" in
    "deepseek r1 vs kimi" when R1 is not in the base; a typo'd name the linker
    could not settle; a capitalised word the base has never used."""
    found = [u.text for u in linked.unresolved]
    free = set(linked.free)
    for match in _NAMEISH.finditer(question):
        word = match.group().casefold()
        if word in free and word not in engine.linker.vocabulary:
            found.append(match.group())
    return list(dict.fromkeys(found))


def unknown_words(engine: Engine, linked: Linked) -> list[str]:
    """Words of a question that neither English nor the fact base knows:
    usually the name of something the base does not cover."""
    return [w for w in dict.fromkeys(linked.free)
            if len(w) >= 3 and not w.isdigit() and w not in engine.linker.vocabulary]

