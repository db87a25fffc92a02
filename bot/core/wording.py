"""How the core words dates, names and links: one home, so `about`, `compare`,
`landscape` and every renderer say the same thing the same way."""

from __future__ import annotations

from bot.knowledge.schema import Entity, RelationType, When

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

MAKER, MADE_BY = "maker", "made_by"
"""the link between an entity and its parent, worded like a relation (both ways)"""

LINK_PHRASES: dict[str, str] = {
    MAKER: "{a} makes {b}",
    MADE_BY: "{a} is made by {b}",
    RelationType.RIVAL: "{a} competes with {b}",
    RelationType.PUBLISHED_ON: "{a} publishes on {b}",
    RelationType.PEER: "{a} and {b} are peers",
    RelationType.PART_OF: "{a} is part of {b}",
}
TWO_WAY = frozenset({RelationType.RIVAL, RelationType.PEER})
"""relations that hold both ways: stated once, shown once"""


def link_phrase(kind: str, a: str, b: str) -> str:
    return LINK_PHRASES[kind].format(a=a, b=b)


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
