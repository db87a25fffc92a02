"""What a reload changed, for the maintainer who ran it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.knowledge.base import KnowledgeBase


@dataclass(frozen=True, slots=True)
class Change:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _change(old: Mapping, new: Mapping) -> Change:
    return Change(
        added=tuple(k for k in new if k not in old),
        removed=tuple(k for k in old if k not in new),
        # `is not` first: entries from files the loader did not re-read are the same objects,
        # and comparing 100,000 pydantic models field by field takes a fifth of a second
        changed=tuple(k for k in new if k in old and old[k] is not new[k] and old[k] != new[k]),
    )


@dataclass(frozen=True, slots=True)
class KnowledgeDiff:
    old_version: str
    new_version: str
    entities: Change
    facts: Change
    sources: Change

    def lines(self, limit: int = 5) -> list[str]:
        out = []
        for name, change in (("Entities", self.entities), ("Facts", self.facts),
                             ("Sources", self.sources)):
            if change.empty:
                continue
            parts = []
            for verb, ids in (("added", change.added), ("removed", change.removed),
                              ("changed", change.changed)):
                if ids:
                    more = f" +{len(ids) - limit} more" if len(ids) > limit else ""
                    shown = ", ".join(ids[:limit]) + more
                    parts.append(f"{len(ids)} {verb} ({shown})")
            out.append(f"{name}: " + "; ".join(parts))
        return out or ["No changes: the files say what they said before."]


def diff(old: KnowledgeBase, new: KnowledgeBase) -> KnowledgeDiff:
    return KnowledgeDiff(
        old.short_version, new.short_version,
        _change(old.entities, new.entities), _change(old.facts, new.facts),
        _change(old.sources, new.sources),
    )
