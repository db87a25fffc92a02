"""The answer engine: one immutable object per fact-base version.

It holds what every command needs (the indexes, the linker, the ranking of
entities) and the wording shared by the commands; each command lives in
bot/core/commands/. Building the engine is the expensive part and happens once
per load, off the event loop, so a reload swaps one reference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cached_property
from typing import Any, TypeVar

from bot.core.answers import Answer, Cite, Column, FactView, Kind, Section
from bot.core.commands import about, ask, check, compare, entities, landscape, sources, timeline
from bot.core.linker import STOPWORDS, Linker, Resolution
from bot.core.search import TermIndex, terms
from bot.core.semantic import Embedder, FactVectors, VectorCache
from bot.core.wording import cite_short, date_label, entity_label, outlet_name, when_label
from bot.knowledge import KnowledgeBase
from bot.knowledge.schema import Entity, EntityKind, Fact, Nature
from bot.shared.collector import collector_paused
from bot.shared.formats import human_join, quote_input, shorten
from bot.shared.normalize import key, normalize, tokens

T = TypeVar("T")


class Engine:
    def __init__(self, kb: KnowledgeBase, previous: Engine | None = None, *,
                 embedder: Embedder | None = None, vector_cache: VectorCache | None = None
                 ) -> None:
        """`previous`: the engine this one replaces on a reload. What depends only
        on parts of the base that did not change (the term index of unchanged
        facts, the typo index of unchanged aliases, the vectors of unchanged
        facts) is taken over from it, and so is its embedder. `vector_cache`:
        where fact vectors are kept between runs (none: embed on every start)."""
        self.kb = kb
        self.embedder = embedder or (previous.embedder if previous else Embedder.shipped())
        with collector_paused():
            self.terms = TermIndex(kb, STOPWORDS, previous.terms if previous else None)
            self.vectors = FactVectors.build(kb, self.embedder,
                                             previous.vectors if previous else None, vector_cache)
            # The words of statements and keywords come from the index, which has
            # tokenised them already (and keeps them across reloads).
            vocabulary = set(STOPWORDS) | self.terms.words
            for entity in kb.entities.values():
                # words the base itself uses are never typos of an entity name
                vocabulary.update(tokens(normalize(entity.description)))
            self.linker = Linker(kb, frozenset(vocabulary), previous.linker if previous else None)
        linked: dict[str, dict[str, None]] = {}
        for fact in kb.facts.values():
            for other in (*fact.disputes, *fact.updates):  # stated once, shown from both sides
                linked.setdefault(fact.id, {})[other] = None
                linked.setdefault(other, {})[fact.id] = None
        self.linked = {f: tuple(others) for f, others in linked.items()}
        """fact id -> facts that give another account of the same thing, or update it"""
        self.weight = {eid: len(ids) for eid, ids in kb.facts_by_entity.items()}
        # Most-cited first, sorted once here rather than on every "nothing found".
        self.ranked = sorted(self.weight, key=lambda e: (-self.weight[e], e))
        self._memo: dict[tuple, Any] = {}

    def __getstate__(self) -> dict[str, Any]:
        """For the start-up cache (bot.core.startup): everything but the model,
        which is the wheel's, and the memo, which fills again as asked."""
        state = dict(self.__dict__)
        state.update(embedder=None, _memo={})
        return state

    # --- the commands ---------------------------------------------------------

    # Every front end reaches a command through these, so every answer built on facts
    # says how current it is and where sources differ (`in_context`).

    def about(self, name: str) -> Answer:
        return self.in_context(about.answer(self, name))

    def compare(self, names: list[str]) -> Answer:
        return self.in_context(compare.from_names(self, names))

    def compare_text(self, text: str) -> Answer:
        return self.in_context(compare.from_text(self, text))

    def ask(self, question: str) -> Answer:
        return self.in_context(ask.answer(self, question))

    def check(self, text: str) -> Answer:
        """Not through `in_context`: a check shows other accounts claim by claim."""
        return check.answer(self, text)

    def timeline(self, name: str = "") -> Answer:
        return self.in_context(timeline.answer(self, name))

    def sources(self, name: str = "") -> Answer:
        return sources.answer(self, name)

    def entities(self, kind: str = "") -> Answer:
        return entities.answer(self, kind)

    def landscape(self, focus: str = "") -> Answer:
        return landscape.answer(self, focus)

    def complete(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """(label, entity id) pairs for autocomplete; most-cited first when empty."""
        ids = self.linker.complete(prefix, limit) if prefix.strip() else self.ranked[:limit]
        return [(entity_label(self.kb.entities[e]), e) for e in ids]

    # --- what the commands share ------------------------------------------------

    def memo(self, key: tuple, work: Callable[[], T]) -> T:
        """What a command works out from this version of the base alone (the newest
        release of an entity's family, say), worked out once per engine."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = work()
            return value

    def family(self, entity_id: str, depth: int = 3) -> tuple[str, ...]:
        """The entity and what it makes, and what those make (Qwen -> Qwen3 -> Qwen3.5)."""
        def work() -> tuple[str, ...]:
            found, frontier = [entity_id], [entity_id]
            for _ in range(depth):
                frontier = [c for e in frontier for c in self.kb.children.get(e, ())
                            if c not in found]
                found += frontier
            return tuple(found)
        return self.memo(("family", entity_id, depth), work)

    def fact_terms(self, fact_id: str) -> tuple[frozenset[str], frozenset[str]]:
        """The index terms of a fact's statement, and those of its keywords and
        category: what it says, and what it is about."""
        def work() -> tuple[frozenset[str], frozenset[str]]:
            fact = self.kb.facts[fact_id]
            def of(text: str) -> frozenset[str]:
                # "pre-trained" is also "pretrained", as users type it
                return frozenset(terms(text, STOPWORDS) | terms(text.replace("-", ""), STOPWORDS))
            return of(fact.statement), of(" ".join((*fact.keywords, fact.category)))
        return self.memo(("terms", fact_id), work)

    def mentions(self, fact_id: str, entity_id: str) -> bool:
        """Whether a fact's statement names the entity (by any of its names)."""
        words = f" {' '.join(tokens(normalize(self.kb.facts[fact_id].statement)))} "
        return any(f" {n} " in words for n in self.memo(("names", entity_id), lambda: [
            " ".join(tokens(normalize(n))) for n in self.kb.entities[entity_id].names]))

    def name(self, entity_id: str) -> str:
        return self.kb.entities[entity_id].name

    def column(self, entity_id: str) -> Column:
        e = self.kb.entities[entity_id]
        return Column(e.id, e.name, e.chinese_name)

    def fact_view(self, fact_id: str) -> FactView:
        fact = self.kb.facts[fact_id]
        source = self.kb.sources[fact.cite.source]
        cite = Cite(source.id, source.title, source.outlet, date_label(source.published),
                    source.date_inferred, fact.cite.paragraph)
        return FactView(fact.id, fact.statement, fact.subject, fact.category.value, fact.nature,
                        when_label(fact.when, source.published), cite,
                        by=self.name(fact.by) if fact.by else None)

    def fact_line(self, view: FactView) -> str:
        """'Statement (Mar 2025; Financial Times ¶2)': one pair of brackets, never
        brackets inside them."""
        return f"{view.label} ({view.when}; {cite_short(view.cite)})"

    def event_date(self, fact: Fact) -> str:
        """When a fact happened, or its source's date for a standing description:
        what "latest" and the timeline sort by."""
        when = fact.when
        return when.date or when.start or when.end or self.kb.sources[fact.cite.source].published

    def known_on(self, fact_id: str) -> str:
        """When the base learnt a fact: its date, or its source's for a plan or
        forecast about later (a 2030 target stated in 2025 is news of 2025)."""
        fact = self.kb.facts[fact_id]
        published = self.kb.sources[fact.cite.source].published
        happened = self.event_date(fact)
        n = min(len(happened), len(published))
        return published if happened[:n] > published[:n] else happened

    def by_relevance(self, entity: Entity, fact_ids: Iterable[str]) -> list[str]:
        """Facts about the entity first, reported before claims and views, then by date."""
        facts = self.kb.facts
        return sorted(fact_ids, key=lambda f: (facts[f].subject != entity.id,
                                               facts[f].nature is not Nature.REPORTED,
                                               self.event_date(facts[f]), f))

    def chronology(self, fact_ids: Iterable[str]) -> list[str]:
        """The dated ones of these facts, in date order (ties by id)."""
        facts = self.kb.facts
        return sorted((f for f in fact_ids if not facts[f].when.as_of_source),
                      key=lambda f: (self.event_date(facts[f]), f))

    @cached_property
    def everything_in_order(self) -> list[str]:
        """The whole base's chronology: sorted once per fact-base version."""
        return self.chronology(self.kb.facts)

    def in_context(self, answer: Answer) -> Answer:
        """Every answer built on facts says how current it is, and beside a fact that
        other sources dispute or update, shows theirs under "Sources differ"."""
        if not answer.facts or answer.kind in (Kind.SOURCES, Kind.PICTURE):
            return answer
        shown = {f.id: f for f in answer.facts}
        differ: dict[str, FactView] = {}
        pairs: set[frozenset[str]] = set()
        lines = []
        for fact in answer.facts:
            for other in self.linked.get(fact.id, ()):
                if frozenset((fact.id, other)) in pairs:
                    continue
                pairs.add(frozenset((fact.id, other)))
                view = shown.get(other) or differ.setdefault(other, self.fact_view(other))
                lines.append(f"{outlet_name(view.cite.outlet)} ({view.cite.published}) against "
                             f"{outlet_name(fact.cite.outlet)} ({fact.cite.published}) on "
                             f"“{shorten(fact.statement, 80)}”: {self.fact_line(view)}")
        newest = max(self.known_on(f) for f in (*shown, *differ))
        sections = answer.sections
        if lines:
            sections = (*sections, Section("Sources differ", tuple(lines)))
        return replace(answer, as_of=date_label(newest), differ=tuple(differ.values()),
                       sections=sections)

    def known_names(self, companies: int = 5, models: int = 3) -> list[str]:
        """What to offer when nothing matched: the companies and the model families
        the most facts are about (what they make counts: Alibaba with Qwen, Qwen
        with Qwen3), one model per maker, so the offer names what people ask about
        rather than "China" or "Chinese tech groups"."""
        offer = self._offer
        return [self.name(e) for e in (*offer[EntityKind.COMPANY][:companies],
                                       *offer[EntityKind.MODEL][:models])]

    @cached_property
    def _offer(self) -> dict[EntityKind, list[str]]:
        """Companies, and models that are not a version of another model, with the
        facts about them and theirs, most first: worked out once, on the first miss."""
        kb = self.kb
        about = Counter(f.subject for f in kb.facts.values())

        def weigh(entity_id: str, seen: set[str]) -> int:
            seen.add(entity_id)
            return about[entity_id] + sum(weigh(c, seen) for c in kb.children.get(entity_id, ())
                                          if c not in seen)

        weight: dict[str, int] = {}
        for e in kb.entities.values():
            parent = kb.entities.get(e.parent) if e.parent else None
            if e.kind in (EntityKind.COMPANY, EntityKind.MODEL) and not (
                    parent and parent.kind is e.kind):
                weight[e.id] = weigh(e.id, set())
        ranked = sorted((e for e in weight if weight[e]), key=lambda e: (-weight[e], e))
        makers: set[str | None] = set()
        models = []
        for e in ranked:
            entity = kb.entities[e]
            if entity.kind is EntityKind.MODEL and (entity.parent is None
                                                    or entity.parent not in makers):
                makers.add(entity.parent)
                models.append(e)
        return {EntityKind.COMPANY: [e for e in ranked
                                     if kb.entities[e].kind is EntityKind.COMPANY],
                EntityKind.MODEL: models}

    def did_you_mean(self, name: str, resolution: Resolution, command: str) -> Answer:
        names = tuple(self.name(e) for e in resolution.suggestions)
        name = quote_input(name)
        if names:
            summary = f"I don't know “{name}”. Did you mean {human_join(names, 'or')}?"
        else:
            summary = (f"I don't know “{name}”. I know about {human_join(self.known_names())}; "
                       "`entities` lists everything.")
        return Answer(Kind.NOT_FOUND, f"Unknown name: {name}", summary=summary,
                      suggestions=names, unknown=(key(name),), command=command)

    def scope(self, name: str, command: str) -> tuple[str | None, Answer | None]:
        """An optional entity argument: (id, None); (None, None) when absent; or
        (None, did-you-mean) when it names nothing we know."""
        if not name.strip():
            return None, None
        resolution = self.linker.resolve(name)
        if resolution.entity_id is None:
            return None, self.did_you_mean(name, resolution, command)
        return resolution.entity_id, None
