"""What a reload brought that is worth telling a news-feed channel: the facts it
added, and the ones whose wording, date, nature or source it changed, grouped by
the entity they are about and chosen per subscription (all of them, or those
about the entities a channel follows and what those make).

Plain data from the old base, the new engine and the reload's diff; how it is
posted is the front end's business.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.answers import FactView
from bot.core.engine import Engine
from bot.core.linker import STOPWORDS
from bot.knowledge import KnowledgeBase
from bot.knowledge.diff import KnowledgeDiff
from bot.knowledge.schema import Fact
from bot.shared.formats import human_join, quote_input

MAX_FOLLOWED = 25
"""entities one channel may follow"""


@dataclass(frozen=True, slots=True)
class NewsItem:
    fact: FactView
    updated: bool
    """an existing fact that now reads differently, rather than a new one"""


@dataclass(frozen=True, slots=True)
class NewsGroup:
    entity_id: str
    name: str
    items: tuple[NewsItem, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """One channel's news of one reload."""

    version: str
    groups: tuple[NewsGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(g.items) for g in self.groups)


def _reads_differently(old: Fact, new: Fact) -> bool:
    """A new keyword or a fixed typo in an id list is not news; what a reader sees is."""
    return (old.statement, old.when, old.nature, old.cite, old.by) != (
        new.statement, new.when, new.nature, new.cite, new.by)


class Newsfeed:
    """The news of one reload, from which each subscription takes its share."""

    def __init__(self, old: KnowledgeBase, engine: Engine, changes: KnowledgeDiff) -> None:
        self.engine = engine
        facts = engine.kb.facts
        self.updated = frozenset(f for f in changes.facts.changed
                                 if f in old.facts and f in facts
                                 and _reads_differently(old.facts[f], facts[f]))
        self.fact_ids = tuple(f for f in changes.facts.added if f in facts) + tuple(
            f for f in changes.facts.changed if f in self.updated)

    def __bool__(self) -> bool:
        return bool(self.fact_ids)

    def _family(self, entity_ids: Iterable[str]) -> set[str]:
        """The entities and what they make, all the way down (DeepSeek -> R1)."""
        kb = self.engine.kb
        found: set[str] = set()
        frontier = [e for e in entity_ids if e in kb.entities]
        while frontier:
            found.update(frontier)
            frontier = [c for e in frontier for c in kb.children.get(e, ()) if c not in found]
        return found

    def for_entities(self, entity_ids: Sequence[str] = ()) -> Digest | None:
        """The news about these entities (everything when none), or None when there is none."""
        kb, engine = self.engine.kb, self.engine
        wanted = self._family(entity_ids) if entity_ids else None
        if wanted is not None and not wanted:
            return None  # every followed entity has left the base
        groups: dict[str, list[str]] = {}
        for fid in self.fact_ids:
            fact = kb.facts[fid]
            if wanted is None or wanted & {fact.subject, *fact.entities}:
                groups.setdefault(fact.subject, []).append(fid)
        if not groups:
            return None
        ordered = sorted(groups.items(), key=lambda g: (-len(g[1]), engine.name(g[0]).casefold()))
        return Digest(kb.short_version, tuple(
            NewsGroup(subject, engine.name(subject), tuple(
                NewsItem(engine.fact_view(f), f in self.updated)
                for f in sorted(ids, key=lambda f: (engine.event_date(kb.facts[f]), f),
                                reverse=True)))
            for subject, ids in ordered))


def name_entities(engine: Engine, text: str) -> tuple[tuple[str, ...], str]:
    """The entities a subscription names in free text ("deepseek, qwen"), and what
    to tell the user when a name is not one the base knows ("" when all are)."""
    linked = engine.linker.link(text)
    if linked.unresolved:
        first = linked.unresolved[0]
        names = [engine.name(e) for e in first.suggestions]
        hint = f" Did you mean {human_join(names, 'or')}?" if names else ""
        return (), f"I don't know “{quote_input(first.text)}”.{hint}"
    leftovers = [w for w in linked.free if w not in STOPWORDS]
    if leftovers:
        return (), (f"I don't know “{quote_input(' '.join(leftovers))}”: name companies or "
                    "models the fact base knows (`entities` lists them).")
    ids = linked.entity_ids
    if len(ids) > MAX_FOLLOWED:
        return (), f"A channel can follow at most {MAX_FOLLOWED} entities; that names {len(ids)}."
    return ids, ""
