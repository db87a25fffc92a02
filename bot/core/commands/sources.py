"""`sources [name]`: the articles behind the facts, newest first, and what each
one is cited for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.answers import Answer, Kind, Section
from bot.core.wording import date_label
from bot.shared.formats import plural, shorten

if TYPE_CHECKING:
    from bot.core.engine import Engine


def answer(engine: Engine, name: str = "") -> Answer:
    entity_id, refusal = engine.scope(name, "sources")
    if refusal:
        return refusal
    kb = engine.kb
    about = set(kb.facts_by_entity.get(entity_id, ())) if entity_id else None
    sections, listed = [], []
    by_name = sorted(kb.sources.values(), key=lambda s: (s.outlet.casefold(), s.title.casefold()))
    for source in sorted(by_name, key=lambda s: s.published, reverse=True):  # newest first
        ids = [f for f in kb.facts_by_source.get(source.id, ()) if about is None or f in about]
        if not ids:
            continue
        inferred = ", date inferred" if source.date_inferred else ""
        heading = f"{source.outlet}: “{source.title}” ({date_label(source.published)}{inferred})"
        head = []
        if source.date_note:
            head.append(f"Date: {shorten(source.date_note, 300)}")
        head.append(f"Record: {source.record}")
        if source.url:
            head.append(source.url)
        ids.sort(key=lambda f: (kb.facts[f].cite.paragraph, f))
        listed += ids
        cited = [f"¶{kb.facts[f].cite.paragraph}: {kb.facts[f].statement}" for f in ids]
        sections.append(Section(heading, (*head, f"Cited by {plural(len(ids), 'fact')}:", *cited)))
    title = f"Sources on {engine.name(entity_id)}" if entity_id else "Sources"
    summary = f"{plural(len(sections), 'source')}, newest first."
    return Answer(Kind.SOURCES, title, query=name, summary=summary,
                  sections=tuple(sections), facts=tuple(engine.fact_view(f) for f in listed),
                  entities=(entity_id,) if entity_id else (),
                  command="sources")
