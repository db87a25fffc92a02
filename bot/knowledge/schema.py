"""The fact base's file format, as pydantic models.

These models are the contract with maintainers who edit YAML by hand, so every
model forbids unknown fields (a typo in a key is an error, not a silent no-op)
and every free-text field must say something.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    model_validator,
)
from pydantic.dataclasses import dataclass

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- dates -------------------------------------------------------------------

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


def _parse_partial_date(value: Any) -> str:
    """Accept "2025", "2025-03" or "2025-03-24" and refuse dates that cannot exist.

    YAML parsers turn an unquoted 2025-03-24 into a date object, so that form is
    accepted too; the stored form is always the string, whose length says its
    precision.
    """
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("a date must be written YYYY, YYYY-MM or YYYY-MM-DD")
    m = _DATE_RE.match(value.strip())
    if not m:
        raise ValueError(f"{value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in m.groups())
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"{value!r} is an impossible date: month {month} does not exist")
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"{value!r} is an impossible date: day {day} is not in that month")
    return m.group(0)


PartialDate = Annotated[str, BeforeValidator(_parse_partial_date), PlainSerializer(str)]


def precision_of(date: str) -> Precision:
    return {4: Precision.YEAR, 7: Precision.MONTH, 10: Precision.DAY}[len(date)]


class When(Model):
    """When a fact happened: a date, a period (start..end), or "as of the source".

    Precision is carried by how much of the date is written: 2025-03 means
    "some time in March 2025", never "1 March".
    """

    date: PartialDate | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    as_of_source: bool = False
    inferred: bool = False
    note: Text | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> When:
        shapes = sum([self.date is not None, self.start is not None or self.end is not None,
                      self.as_of_source])
        if shapes != 1:
            raise ValueError("give exactly one of: date, start/end, as_of_source: true")
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"period starts ({self.start}) after it ends ({self.end})")
        return self


# --- sources -----------------------------------------------------------------


class Source(Model):
    id: Slug
    title: Text = Field(description="our own short label for the article, never its headline "
                        "copied: the headline is the article's words")
    outlet: Text
    published: PartialDate
    date_inferred: bool = False
    date_note: Text | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    record: Text = Field(description="path of the source record under seeds/")
    seed_file: Text | None = Field(default=None, description="the source text's file name in "
                                   "shared/seeds/, e.g. 003_decoder-deepseek-r1.txt")
    paragraphs: Annotated[int, Field(ge=1)]

    @property
    def precision(self) -> Precision:
        return precision_of(self.published)


# --- entities ----------------------------------------------------------------


class EntityKind(StrEnum):
    COMPANY = "company"
    MODEL = "model"
    PLATFORM = "platform"
    ORGANISATION = "organisation"
    COUNTRY = "country"
    GROUP = "group"
    MARKET = "market"
    PERSON = "person"
    CHIP = "chip"
    REGULATOR = "regulator"
    POLICY = "policy"


class RelationType(StrEnum):
    RIVAL = "rival"
    PUBLISHED_ON = "published_on"
    PEER = "peer"
    PART_OF = "part_of"


class Relation(Model):
    type: RelationType
    target: Slug
    facts: list[Slug] = Field(default_factory=list)


class Attribute(Model):
    """One cell of the comparison table, always backed by facts."""

    value: Text
    facts: Annotated[list[Slug], Field(min_length=1)]


# Comparison rows, in the order compare shows them; the keys are what YAML uses.
ATTRIBUTE_LABELS: dict[str, str] = {
    "type": "What it is",
    "latest": "Latest development",
    "capabilities": "Capabilities",
    "market": "Market reception",
    "strategy": "Strategy and outlook",
}

AttributeKey = Literal["type", "latest", "capabilities", "market", "strategy"]


def _no_blank_aliases(aliases: list[str]) -> list[str]:
    cleaned = [a.strip() for a in aliases]
    if any(not a for a in cleaned):
        raise ValueError("an alias is empty")
    return cleaned


class Entity(Model):
    id: Slug
    name: Text
    kind: EntityKind
    chinese_name: Text | None = None
    aliases: Annotated[list[str], AfterValidator(_no_blank_aliases)] = Field(
        default_factory=list
    )
    parent: Slug | None = Field(default=None, description="maker or owner, e.g. Qwen -> Alibaba")
    relations: list[Relation] = Field(default_factory=list)
    description: Text
    attributes: dict[AttributeKey, Attribute] = Field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Every name the entity answers to: its id read as words, its name, its
        aliases and its Chinese name; the alias index holds each of them."""
        names = [self.id.replace("-", " "), self.name, *self.aliases]
        if self.chinese_name:
            names.append(self.chinese_name)
        return names


# --- facts -------------------------------------------------------------------


class Category(StrEnum):
    RELEASE = "release"
    CAPABILITY = "capability"
    MARKET = "market"
    COMPETITION = "competition"
    STRATEGY = "strategy"
    OUTLOOK = "outlook"
    CONTEXT = "context"


class Nature(StrEnum):
    """How far a statement is settled: the bot must not present a company's own
    benchmark as fact, a plan as a forecast, or an article's view as news."""

    REPORTED = "reported"
    """the source reports it as something that happened or is the case"""
    CLAIM = "claim"
    """a party's own claim (its benchmark results, its figures): `by` says whose"""
    PLAN = "plan"
    """a party's stated intention or target: `by` says whose"""
    FORECAST = "forecast"
    """a prediction, by the source or by the party in `by`"""
    ANALYSIS = "analysis"
    """an opinion or interpretation, the source's or that of the party in `by`"""


NEEDS_CLAIMANT = frozenset({Nature.CLAIM, Nature.PLAN})


class Citation(Model):
    source: Slug
    paragraph: Annotated[int, Field(ge=1)]


@dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid"))
class Fact:
    """A pydantic dataclass, not a model: a base holds a hundred thousand of
    them, and slots without a per-object __dict__ and fields-set halve their
    memory. Validation and extra="forbid" are the same."""

    id: Slug
    subject: Slug
    category: Category
    statement: Text
    when: When
    cite: Citation
    nature: Nature = Field(description="required, so that a maintainer decides whether a fact "
                           "is reported or the article's view, and a file cut short mid-entry fails")
    entities: tuple[Slug, ...] = Field(default=(), description="other entities involved")
    keywords: tuple[Text, ...] = ()
    by: Slug | None = Field(default=None, description="the entity whose claim, plan, forecast "
                            "or view this is; required for claims and plans")
    disputes: tuple[Slug, ...] = Field(default=(), description="facts that give another account "
                                       "of the same thing (a different figure or date)")
    updates: tuple[Slug, ...] = Field(default=(), description="older facts this one supersedes")
    draft: bool = Field(default=False, description="written by `python -m bot draft`; the "
                        "loader refuses it in knowledge/ until a maintainer clears it")
    evidence: str | None = Field(default=None, description="the article's own sentence, kept in "
                                 "drafts only: the statement must be in our words")


class KnowledgeFile(Model):
    """One YAML file: any mix of the three lists, so maintainers may split by topic."""

    sources: list[Source] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
