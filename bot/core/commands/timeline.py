"""`timeline [name]`: dated facts in the order they happened, across sources,
for everything or for one entity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.answers import Answer, Kind, Section
from bot.core.wording import cite_short
from bot.shared.formats import plural

if TYPE_CHECKING:
    from bot.core.engine import Engine

MAX_SHOWN = 120


def answer(engine: Engine, name: str = "") -> Answer:
    entity_id, refusal = engine.scope(name, "timeline")
    if refusal:
        return refusal
    kb = engine.kb
    pool = kb.facts_by_entity.get(entity_id, ()) if entity_id else kb.facts
    dated = engine.chronology(pool) if entity_id else engine.everything_in_order
    shown = dated[-MAX_SHOWN:]  # the most recent, still in date order
    views = tuple(engine.fact_view(f) for f in shown)
    title = f"Timeline: {engine.name(entity_id)}" if entity_id else "Timeline"
    undated = len(pool) - len(dated)
    summary = plural(len(dated), "dated fact")
    if undated:
        says = "describes things as of its source" if undated == 1 else \
            "describe things as of their sources"
        summary += f"; {undated:,} more {says} (see `about` or `ask`)"
    summary += "."
    if len(shown) < len(dated):
        summary += f" Showing the {len(shown)} most recent: name an entity to narrow it."
    if not dated:
        summary = "No dated facts" + (f" about {engine.name(entity_id)}" if entity_id else "") + "."
    lines = tuple(f"{v.when}: {v.label} ({cite_short(v.cite)})" for v in views)
    return Answer(Kind.TIMELINE, title, query=name, summary=summary,
                  sections=(Section("In order", lines),) if lines else (),
                  facts=views, entities=(entity_id,) if entity_id else (), command="timeline")
