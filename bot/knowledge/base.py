"""The loaded fact base: immutable and indexed, so a reload can build a new one
off the event loop and swap it in with one assignment while answers in flight
keep reading the old one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from bot.knowledge.schema import Entity, Fact, Source
from bot.shared.formats import plural


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the knowledge files, placed as precisely as we can."""

    file: str
    message: str
    entry: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        entry = f" [{self.entry}]" if self.entry else ""
        return f"{place}{entry}: {self.message}"


class KnowledgeError(Exception):
    """Raised with every problem found, not just the first, so a maintainer
    fixes a broken edit in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{plural(len(problems), 'problem')} in the knowledge files")


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    line: int | None


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    sources: Mapping[str, Source]
    entities: Mapping[str, Entity]
    facts: Mapping[str, Fact]
    alias_index: Mapping[str, str]
    """normalised alias key -> entity id"""
    facts_by_entity: Mapping[str, tuple[str, ...]]
    """entity id -> ids of facts whose subject it is or that involve it"""
    facts_by_source: Mapping[str, tuple[str, ...]]
    children: Mapping[str, tuple[str, ...]]
    """entity id -> ids of entities whose parent it is (Alibaba -> Qwen)"""
    locations: Mapping[str, Location]
    """'fact:ID' / 'entity:ID' / 'source:ID' -> where it is written"""
    version: str
    loaded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __reduce__(self) -> tuple:
        """Pickled (for the start-up cache) with its read-only views as dicts, and
        restored as views again."""
        values = [dict(v) if isinstance(v, MappingProxyType) else v
                  for v in (getattr(self, f.name) for f in fields(self))]
        return _restore, (tuple(values),)

    @property
    def short_version(self) -> str:
        return self.version[:10]

    def counts(self) -> dict[str, int]:
        return {
            "sources": len(self.sources),
            "entities": len(self.entities),
            "aliases": len(self.alias_index),
            "facts": len(self.facts),
        }

    def summary(self) -> str:
        c = self.counts()
        return (
            f"{plural(c['sources'], 'source')}, {plural(c['entities'], 'entity', 'entities')}, "
            f"{plural(c['aliases'], 'alias', 'aliases')}, {plural(c['facts'], 'fact')} "
            f"(version {self.short_version})"
        )


def _restore(values: tuple) -> KnowledgeBase:
    return KnowledgeBase(*(MappingProxyType(v) if isinstance(v, dict) else v for v in values))
