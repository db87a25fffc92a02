"""Answers as data: what every command returns and every front end renders.

Nothing here knows how an answer will look (Discord embed, console text, JSON),
only what it says and where each statement comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.knowledge.schema import Nature


class Kind(StrEnum):
    COMPARISON = "comparison"
    ENTITY = "entity"
    ANSWER = "answer"
    TIMELINE = "timeline"
    SOURCES = "sources"
    ENTITIES = "entities"
    HELP = "help"
    NOT_FOUND = "not_found"
    UNANSWERED = "unanswered"
    """the names are known, but no fact answers what is asked of them"""
    USAGE_ERROR = "usage_error"
    PICTURE = "picture"  # `picture` says which; bot.output.pictures draws it
    CHECK = "check"
    """a message's claims set against the fact base (`checks` holds one per claim)"""


class PictureKind(StrEnum):
    LANDSCAPE = "landscape"
    CARD = "card"
    """a comparison drawn as a table, asked for with --card or the button"""


LANDSCAPE_TOP_N = 60
"""At most this many entities are drawn; a larger base shows those with most facts."""


@dataclass(frozen=True, slots=True)
class Picture:
    """The picture an answer asks front ends to draw (off the event loop)."""

    kind: PictureKind
    focus: str | None = None
    """landscape: the entity id it is centred on, or None for everything"""
    top_n: int = LANDSCAPE_TOP_N


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



_SAYS = ("says|said|claims|claimed|reports|reported|states|stated|notes|writes|argues|believes|"
         "expects|estimates|puts|plans|planned|intends|aims|pledged|announced|describes|calls|"
         "counts|sees|thinks|predicts|forecasts|warns|judges|considers|views|suggests|adds")
_ATTRIBUTED = re.compile(rf"(?i)\baccording to\b|\bthe article\b|\b(?:in|from) [\w’' ]{{1,40}}'s view\b"
                         rf"|^(?:\S+\s+){{0,6}}?(?:{_SAYS})\b")
"""a statement that already says whose it is: "Acme says...", "according to Acme",
"in the article's view"; a name alone is not enough ("Acme One beats its rivals"
is Acme's claim without saying so)"""


@dataclass(frozen=True, slots=True)
class FactView:
    id: str
    statement: str
    subject: str
    category: str
    nature: Nature
    when: str
    cite: Cite
    by: str | None = None
    """the name of the party whose claim, plan, forecast or view this is"""

    @property
    def is_view(self) -> bool:
        """Anything but a reported fact is somebody's claim, plan or opinion."""
        return self.nature is not Nature.REPORTED

    @property
    def label(self) -> str:
        """The statement, saying whose it is when it is not a reported fact: a
        company's benchmark is its claim, a plan is never "the article's forecast"."""
        if not self.is_view or _ATTRIBUTED.search(self.statement):
            return self.statement  # already says whose it is
        whose = self.by or "the article"
        prefix = {
            Nature.CLAIM: f"According to {whose}: ",
            Nature.PLAN: f"{whose}'s plan: ",
            Nature.FORECAST: f"{whose}'s forecast: ",
            Nature.ANALYSIS: f"{whose}'s view: ",
        }[self.nature]
        return prefix[0].upper() + prefix[1:] + self.statement


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    facts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Column:
    """One compared entity: renderers show `label`, the card puts the Chinese name
    on a line of its own."""

    entity_id: str
    name: str
    chinese_name: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.chinese_name})" if self.chinese_name else self.name


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


class Finding(StrEnum):
    """What the fact base has on one claim: never whether the claim is true."""

    SAME = "same"
    """a source in the base gives the same figure or date"""
    DIFFERENT = "different"
    """the base's sources give another figure or date (some may also give the same)"""
    RELATED = "related"
    """the base has facts on it, but no figure or date to set against the claim's"""
    NOTHING = "nothing"
    """the base has nothing on it"""


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """One claim of a checked message and the facts of the base closest to it."""

    claim: str
    finding: Finding
    stated: tuple[str, ...] = ()
    """the figures and dates the claim states, as written"""
    entities: tuple[str, ...] = ()
    same: tuple[FactView, ...] = ()
    """facts giving the same figure or date"""
    different: tuple[FactView, ...] = ()
    """facts giving another figure or date for the same thing"""
    related: tuple[FactView, ...] = ()
    """the closest facts, when there is nothing to compare"""


@dataclass(frozen=True, slots=True)
class Answer:
    kind: Kind
    title: str
    query: str = ""
    summary: str = ""
    columns: tuple[Column, ...] = ()
    rows: tuple[Row, ...] = ()
    sections: tuple[Section, ...] = ()
    facts: tuple[FactView, ...] = ()
    entities: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    """names in the query the fact base does not know: what the gaps report counts"""
    command: str = ""
    picture: Picture | None = None
    as_of: str = ""
    """the date of the newest fact the answer uses: how current it is"""
    differ: tuple[FactView, ...] = ()
    """facts of other sources that dispute or update facts of the answer"""
    related: tuple[FactView, ...] = ()
    """facts near the question that do not answer it, offered apart from `facts`
    (which holds only what is offered as the answer)"""
    checks: tuple[ClaimCheck, ...] = ()
    """`check`: what the base has on each claim of the message"""

    @property
    def sources(self) -> tuple[Cite, ...]:
        """Each source cited by this answer once, in first-cited order."""
        seen: dict[str, Cite] = {}
        for fact in (*self.facts, *self.related):
            seen.setdefault(fact.cite.source_id, fact.cite)
        return tuple(seen.values())


def usage(command: str, message: str) -> Answer:
    """How to use a command, for arguments it cannot work with."""
    return Answer(Kind.USAGE_ERROR, f"How to use {command}", summary=message, command=command)
