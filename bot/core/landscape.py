"""The landscape as data: who makes, rivals, partners with and belongs to whom,
and what the market makes of each company. Pure data: bot/output/pictures draws it.

Market signal, the rule (deterministic, from the fact base alone)
-----------------------------------------------------------------
Only companies get a signal. A company's evidence is

* each fact of category ``market`` whose *subject* is the company (its
  statement and its keywords), and
* the company's curated ``market`` attribute (its value text; the facts it
  cites are the evidence behind it).

Facts that merely *involve* a company are not its evidence: "Unlike Baidu,
Alibaba and Tencent have enjoyed firmer backing" involves Baidu but says the
opposite about it.

Each piece of evidence is matched, case-insensitively and from the start of a
word, against three word lists (``_PATTERNS``): underperforming ("underperform",
"lag", "trail", "fall(ing) behind", "slump", "decline", "marked down", and weak /
waning / lost confidence), outperforming ("outperform", "doubl", "tripl", "surg",
"soar", "rall", "share(s) rise/rose"), investor confidence ("confidence",
"backing", "investor support", "support from investors", "favoured by
investors"). Weak-confidence phrases are matched first and removed, so "weaker
investor confidence" counts only as underperforming.

A company may match several lists (``Node.signals``, in the order above). Its
one colour (``Node.signal``) is ``mixed`` when it matched underperforming and a
positive list; otherwise outperforming beats investor confidence beats
underperforming. No evidence, or no match: no signal.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from bot.core.answers import LANDSCAPE_TOP_N as TOP_N
from bot.core.wording import MAKER, TWO_WAY, date_label
from bot.knowledge import KnowledgeBase
from bot.knowledge.schema import Category, EntityKind, RelationType
from bot.shared.formats import plural
from bot.shared.normalize import key

EDGE_KINDS = (MAKER, RelationType.RIVAL, RelationType.PEER, RelationType.PUBLISHED_ON,
              RelationType.PART_OF)


class MarketSignal(StrEnum):
    OUTPERFORMING = "outperforming"
    INVESTOR_CONFIDENCE = "investor confidence"
    UNDERPERFORMING = "underperforming"
    MIXED = "mixed"


_WEAK_CONFIDENCE = re.compile(
    r"\b(?:weak|less|low|lost|losing|waning|fading|falling|shaken)\w*\s+(?:investor\s+)?"
    r"(?:confidence|backing|support)", re.IGNORECASE)
_PATTERNS: tuple[tuple[MarketSignal, re.Pattern[str]], ...] = (
    (MarketSignal.UNDERPERFORMING, re.compile(
        r"\b(?:underperform|lag|trail|fall(?:s|ing|en)?\s+behind|fell\s+behind|slump|declin|"
        r"marked\s+down|marking\s+down|sell-?off)", re.IGNORECASE)),
    (MarketSignal.OUTPERFORMING, re.compile(
        r"\b(?:outperform|doubl|tripl|surg|soar|rall(?:y|ied|ies)|shares?\s+(?:rise|rose|risen))",
        re.IGNORECASE)),
    (MarketSignal.INVESTOR_CONFIDENCE, re.compile(
        r"\b(?:confidence|backing|investor\s+support|support\s+from\s+investors|"
        r"favou?red\s+by\s+investors)", re.IGNORECASE)),
)


def classify(text: str) -> tuple[MarketSignal, ...]:
    """The signals one piece of evidence carries, in the fixed order of _PATTERNS."""
    found = []
    if _WEAK_CONFIDENCE.search(text):
        found.append(MarketSignal.UNDERPERFORMING)
        text = _WEAK_CONFIDENCE.sub(" ", text)
    for signal, pattern in _PATTERNS:
        if signal not in found and pattern.search(text):
            found.append(signal)
    return tuple(s for s, _ in _PATTERNS if s in found)


def primary_signal(signals: tuple[MarketSignal, ...]) -> MarketSignal | None:
    down = MarketSignal.UNDERPERFORMING in signals
    if down and len(signals) > 1:
        return MarketSignal.MIXED
    for signal in (MarketSignal.OUTPERFORMING, MarketSignal.INVESTOR_CONFIDENCE,
                   MarketSignal.UNDERPERFORMING):
        if signal in signals:
            return signal
    return None


def market_signals(kb: KnowledgeBase, entity_id: str) -> tuple[tuple[MarketSignal, ...], tuple[str, ...]]:
    """(signals, ids of the facts they rest on) for one entity; see the module doc."""
    entity = kb.entities[entity_id]
    if entity.kind is not EntityKind.COMPANY:
        return (), ()
    evidence: list[tuple[str, tuple[str, ...]]] = []
    for fid in kb.facts_by_entity.get(entity_id, ()):
        fact = kb.facts[fid]
        if fact.category is Category.MARKET and fact.subject == entity_id:
            evidence.append((" . ".join((fact.statement, *fact.keywords)), (fid,)))
    attr = entity.attributes.get("market")
    if attr is not None:
        evidence.append((attr.value, tuple(attr.facts)))
    signals: set[MarketSignal] = set()
    facts: dict[str, None] = {}
    for text, fids in evidence:
        found = classify(text)
        if found:
            signals.update(found)
            facts.update(dict.fromkeys(fids))
    ordered = tuple(s for s, _ in _PATTERNS if s in signals)
    return ordered, tuple(facts)


# --- the graph -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    name: str
    chinese_name: str | None
    kind: str
    fact_count: int
    signal: MarketSignal | None = None
    signals: tuple[MarketSignal, ...] = ()
    signal_facts: tuple[str, ...] = ()
    """the facts the market signal rests on"""

    @property
    def label(self) -> str:
        """'DeepSeek (深度求索)', as the engine writes entity names."""
        return f"{self.name} ({self.chinese_name})" if self.chinese_name else self.name


@dataclass(frozen=True, slots=True)
class Edge:
    """One stated link. maker: source makes target (parent -> child); rival and
    peer are symmetric (drawn once); published_on: source publishes on target;
    part_of: source is one of target."""

    source: str
    target: str
    kind: str
    facts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceRef:
    id: str
    outlet: str
    title: str
    published: str
    """as the engine prints dates: 'Mar 2025'"""
    date_inferred: bool = False

    @property
    def label(self) -> str:
        inferred = ", date inferred" if self.date_inferred else ""
        return f"{self.outlet}, “{self.title}” ({self.published}{inferred})"


@dataclass(frozen=True, slots=True)
class LandscapeGraph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    focus: str | None
    truncated: bool
    """True when some eligible entities were left out to keep to top_n"""
    total_entities: int
    """entities in the whole fact base"""
    candidates: int
    """entities eligible for this picture: all of them, or the focus and its neighbours"""
    top_n: int
    sources: tuple[SourceRef, ...]
    version: str
    hints: tuple[tuple[str, str], ...] = ()
    """layout only, never drawn: for an entity with no link to draw, the (up to
    three) shown entities it shares most facts with, so it sits near them"""

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes)

    def node(self, entity_id: str) -> Node:
        for n in self.nodes:
            if n.id == entity_id:
                return n
        raise KeyError(entity_id)

    @property
    def title(self) -> str:
        if self.focus is None:
            return "The Chinese AI race: who is who"
        return f"Around {self.node(self.focus).label}"

    @property
    def summary(self) -> str:
        shown = f"{plural(len(self.nodes), 'entity', 'entities')}, {plural(len(self.edges), 'link')}"
        if self.truncated:
            around = " around the focus" if self.focus else ""
            shown += (f": the {len(self.nodes)} with the most facts of {self.candidates:,}"
                      f"{around} (top {self.top_n} only)")
        return shown + "."


def resolve_focus(kb: KnowledgeBase, focus: str) -> str | None:
    """An entity id, or any name or alias the loader indexed."""
    if focus in kb.entities:
        return focus
    return kb.alias_index.get(key(focus))


def _neighbours(kb: KnowledgeBase, entity_id: str) -> list[str]:
    entity = kb.entities[entity_id]
    around: dict[str, None] = {entity_id: None}
    if entity.parent:
        around[entity.parent] = None
    around.update(dict.fromkeys(kb.children.get(entity_id, ())))
    around.update(dict.fromkeys(r.target for r in entity.relations))
    for other in kb.entities.values():
        if any(r.target == entity_id for r in other.relations):
            around[other.id] = None
    return [e for e in around if e in kb.entities]


def landscape_graph(kb: KnowledgeBase, focus: str | None = None, top_n: int = TOP_N) -> LandscapeGraph:
    """The entities, links, market signals and sources of one landscape picture.

    focus: an entity id (or name/alias); the picture is then that entity and its
    neighbours (maker, products, relation targets and entities relating to it).
    Raises KeyError for an unknown focus. At most top_n entities are kept, those
    with the most facts (ties by id), and `truncated` says so; a focus is always kept.
    """
    if top_n < 1:
        raise ValueError("top_n must be at least 1")
    focus_id = None
    if focus is not None and focus.strip():
        focus_id = resolve_focus(kb, focus)
        if focus_id is None:
            raise KeyError(focus)
    weight = {eid: len(kb.facts_by_entity.get(eid, ())) for eid in kb.entities}
    pool = _neighbours(kb, focus_id) if focus_id else list(kb.entities)
    rank = sorted(pool, key=lambda e: (e != focus_id, -weight[e], e))
    chosen = rank[:top_n]
    shown = set(chosen)

    nodes = []
    for eid in sorted(chosen, key=lambda e: (e != focus_id, -weight[e], e)):
        e = kb.entities[eid]
        signals, evidence = market_signals(kb, eid)
        nodes.append(Node(eid, e.name, e.chinese_name, e.kind.value, weight[eid],
                          primary_signal(signals), signals, evidence))

    edges: dict[tuple, Edge] = {}
    for eid in chosen:
        e = kb.entities[eid]
        if e.parent in shown:
            edges.setdefault((MAKER, e.parent, eid), Edge(e.parent, eid, MAKER))
        for r in e.relations:
            if r.target not in shown or r.target == eid:
                continue
            kind = r.type.value
            k = (kind, *sorted((eid, r.target))) if r.type in TWO_WAY else (kind, eid, r.target)
            if k in edges:
                old = edges[k]
                merged = tuple(dict.fromkeys((*old.facts, *r.facts)))
                edges[k] = Edge(old.source, old.target, kind, merged)
            else:
                edges[k] = Edge(eid, r.target, kind, tuple(r.facts))

    linked = {x for e in edges.values() for x in (e.source, e.target)}
    hints = []
    for eid in chosen:
        if eid in linked:
            continue
        shared: dict[str, int] = defaultdict(int)
        for fid in kb.facts_by_entity.get(eid, ()):
            fact = kb.facts[fid]
            for other in (fact.subject, *fact.entities):
                if other != eid and other in shown:
                    shared[other] += 1
        best = sorted(shared, key=lambda o: (-shared[o], o))[:3]
        hints.extend((eid, o) for o in best)

    cited: dict[str, int] = defaultdict(int)
    fact_ids = {f for eid in chosen for f in kb.facts_by_entity.get(eid, ())}
    fact_ids.update(f for edge in edges.values() for f in edge.facts)
    for fid in fact_ids:
        fact = kb.facts.get(fid)
        if fact is not None:
            cited[fact.cite.source] += 1
    sources = tuple(
        SourceRef(s.id, s.outlet, s.title, date_label(s.published), s.date_inferred)
        for s in sorted((kb.sources[sid] for sid in cited), key=lambda s: (-cited[s.id], s.id)))
    order = {k: i for i, k in enumerate(EDGE_KINDS)}
    return LandscapeGraph(
        nodes=tuple(nodes),
        edges=tuple(sorted(edges.values(), key=lambda x: (order[x.kind], x.source, x.target))),
        focus=focus_id,
        truncated=len(chosen) < len(pool),
        total_entities=len(kb.entities),
        candidates=len(pool),
        top_n=top_n,
        sources=sources,
        version=kb.version,
        hints=tuple(hints),
    )
