"""Answers as data: what every command returns and every front end renders.

Nothing here knows how an answer will look (Discord embed, console text, JSON),
only what it says and where each statement comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    COMPARISON = "comparison"
    ENTITY = "entity"
    ANSWER = "answer"
    TIMELINE = "timeline"
    SOURCES = "sources"
    ENTITIES = "entities"
    HELP = "help"
    NOT_FOUND = "not_found"
    USAGE_ERROR = "usage_error"
    PICTURE = "picture"  # meta["picture"] says which; bot.output.pictures.picture_for draws it


@dataclass(frozen=True, slots=True)
class Cite:
    """Where a fact comes from, down to the paragraph."""

    source_id: str
    title: str
    outlet: str
    published: str
    date_inferred: bool
    paragraph: int

    @property
    def source_label(self) -> str:
        inferred = ", date inferred" if self.date_inferred else ""
        return f"{self.outlet}, “{self.title}” ({self.published}{inferred})"

    @property
    def label(self) -> str:
        return f"{self.source_label}, ¶{self.paragraph}"

    @property
    def short(self) -> str:
        return f"{self.outlet} ¶{self.paragraph}"


@dataclass(frozen=True, slots=True)
class FactView:
    id: str
    statement: str
    subject: str
    category: str
    nature: str
    when: str
    cite: Cite

    @property
    def is_view(self) -> bool:
        """Analysis and forecasts are the article's opinion, not events."""
        return self.nature != "reported"

    @property
    def label(self) -> str:
        if self.is_view and "article" in self.statement[:40].casefold():
            return self.statement  # already says whose view it is
        prefix = {
            "analysis": "The article's view: ",
            "forecast": "The article's forecast: ",
        }.get(self.nature, "")
        return prefix + self.statement


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    facts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    cells: tuple[Cell, ...]

    @property
    def differs(self) -> bool:
        return len({c.text for c in self.cells}) > 1


@dataclass(frozen=True, slots=True)
class Section:
    """A titled list of lines; long lists are what front ends page."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    kind: Kind
    title: str
    query: str = ""
    summary: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    sections: tuple[Section, ...] = ()
    facts: tuple[FactView, ...] = ()
    entities: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    """names in the query the fact base does not know: what the gaps report counts"""
    command: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def sources(self) -> tuple[Cite, ...]:
        """Each source cited by this answer once, in first-cited order."""
        seen: dict[str, Cite] = {}
        for fact in self.facts:
            seen.setdefault(fact.cite.source_id, fact.cite)
        return tuple(seen.values())
