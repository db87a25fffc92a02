"""`about <name>`: the entity card: what it is, who makes it and what it makes,
its key facts (its own first, reported before views), and how it relates to others."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.answers import Answer, Kind, Section, usage
from bot.core.wording import entity_label, link_phrase
from bot.knowledge.schema import EntityKind

if TYPE_CHECKING:
    from bot.core.engine import Engine

MAX_FACTS = 8


def answer(engine: Engine, name: str) -> Answer:
    if not name.strip():
        return usage("about", "Tell me which entity, e.g. `about deepseek`.")
    resolution = engine.linker.resolve(name)
    if resolution.entity_id is None:
        return engine.did_you_mean(name, resolution, "about")
    e = engine.kb.entities[resolution.entity_id]
    fact_ids = engine.kb.facts_by_entity.get(e.id, ())
    views = [engine.fact_view(f) for f in engine.by_relevance(e, fact_ids)[:MAX_FACTS]]
    glance = [f"Kind: {e.kind.value}"]
    if e.chinese_name:
        glance.append(f"Chinese name: {e.chinese_name}")
    if e.parent:
        glance.append(f"Made by: {engine.name(e.parent)}")
    children = engine.kb.children.get(e.id, ())
    people = [engine.name(c) for c in children if engine.kb.entities[c].kind is EntityKind.PERSON]
    made = [engine.name(c) for c in children if engine.kb.entities[c].kind is not EntityKind.PERSON]
    if made:
        glance.append("Makes: " + ", ".join(made))
    if people:
        glance.append("People: " + ", ".join(people))
    related = [link_phrase(r.type, e, engine.kb.entities[r.target]) for r in e.relations]
    key_facts = [engine.fact_line(v) for v in views]
    more = len(fact_ids) - len(views)
    if more > 0:
        key_facts.append(f"…and {more} more: try `ask {e.name} <topic>` or `timeline {e.name}`")
    sections = [Section("At a glance", tuple(glance)), Section("Key facts", tuple(key_facts))]
    if related:
        sections.append(Section("Related", tuple(related)))
    return Answer(Kind.ENTITY, entity_label(e), query=name, summary=e.description,
                  sections=tuple(sections), facts=tuple(views), entities=(e.id,),
                  command="about")
