"""How the core words dates, names and links: one home, so `about`, `compare`,
`landscape` and every renderer say the same thing the same way."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.knowledge.schema import Entity, EntityKind, RelationType, When

if TYPE_CHECKING:
    from bot.core.answers import Cite

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

MAKER, MADE_BY = "maker", "made_by"
"""the link between an entity and its parent, worded like a relation (both ways)"""

LINK_PHRASES: dict[str, tuple[str, str]] = {
    MAKER: ("{a} makes {b}", "{a} make {b}"),
    MADE_BY: ("{a} is made by {b}", "{a} are made by {b}"),
    RelationType.RIVAL: ("{a} competes with {b}", "{a} compete with {b}"),
    RelationType.PUBLISHED_ON: ("{a} publishes on {b}", "{a} publish on {b}"),
    RelationType.PEER: ("{a} and {b} are peers", "{a} and {b} are peers"),
    RelationType.PART_OF: ("{a} is part of {b}", "{a} are part of {b}"),
}
"""each link worded for a singular subject and for a plural one ("US tech groups")"""
ONE_OF = ("{a} is one of {the}{b}", "{a} are among {the}{b}")
"""part_of a group: a member is one of the group, not part of it"""
TWO_WAY = frozenset({RelationType.RIVAL, RelationType.PEER})
"""relations that hold both ways: stated once, shown once"""


def is_plural(entity: Entity) -> bool:
    """Whether the entity's name takes a plural verb: a group ("Chinese tech groups
    are...") or a pair ("Investors and the stock market", "DeepSeek website and
    app"); a company keeps a singular verb whatever its name."""
    if entity.kind is EntityKind.GROUP:
        return True
    return entity.kind is not EntityKind.COMPANY and " and " in entity.name


def link_phrase(kind: str, a: Entity | str, b: Entity | str) -> str:
    """The link in a sentence whose verb agrees with its subject. A bare name is
    taken as singular."""
    many = isinstance(a, Entity) and is_plural(a)
    name_a = a.name if isinstance(a, Entity) else a
    name_b = b.name if isinstance(b, Entity) else b
    if kind == RelationType.PART_OF and isinstance(b, Entity) and b.kind is EntityKind.GROUP:
        first = name_b.split()[0] if name_b.split() else ""
        the = "" if first.casefold() == "the" or first.endswith(("'s", "’s")) else "the "
        return ONE_OF[many].format(a=name_a, b=name_b, the=the)
    return LINK_PHRASES[kind][many].format(a=name_a, b=name_b)


_ASIDE = re.compile(r"\s*\([^()]*\)")


def outlet_name(outlet: str) -> str:
    """The outlet without its asides: "TechCrunch (read at cgshares.com copy)" ->
    "TechCrunch". A citation sits inside brackets after a fact, and brackets inside
    brackets read badly; the sources list under the answer keeps the full outlet."""
    short = outlet
    while (shorter := _ASIDE.sub("", short)) != short:
        short = shorter
    return short.strip() or outlet.strip("() ")


def cite_short(cite: Cite) -> str:
    """'Financial Times ¶2': the one way a fact's citation is written after it."""
    return f"{outlet_name(cite.outlet)} ¶{cite.paragraph}"


def date_label(date: str) -> str:
    """2025-03-24 -> 24 Mar 2025; 2025-03 -> Mar 2025: never more precise than known."""
    parts = date.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def when_label(when: When, published: str) -> str:
    """'24 Mar 2025', 'about Mar 2025', 'Jan 2025 – now', 'as of Mar 2025'."""
    about = "about " if when.inferred else ""
    if when.date:
        return about + date_label(when.date)
    if when.start or when.end:
        if not when.start:
            return f"{about}up to {date_label(when.end)}"  # type: ignore[arg-type]
        end = date_label(when.end) if when.end else "now"
        return f"{about}{date_label(when.start)} – {end}"
    return f"as of {date_label(published)}"


def entity_label(entity: Entity) -> str:
    """'DeepSeek (深度求索)'."""
    return f"{entity.name} ({entity.chinese_name})" if entity.chinese_name else entity.name


_KIND_PLURALS = {EntityKind.COMPANY: "companies", EntityKind.COUNTRY: "countries",
                 EntityKind.PERSON: "people", EntityKind.POLICY: "policies"}


def kind_plural(kind: EntityKind) -> str:
    """'companies', 'people', 'models'."""
    return _KIND_PLURALS.get(kind, kind.value + "s")


def kind_count(kind: EntityKind, count: int) -> str:
    """'1 company', '36 companies', '20 people'."""
    return f"{count:,} {kind.value if count == 1 else kind_plural(kind)}"
