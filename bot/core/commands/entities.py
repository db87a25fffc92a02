"""`entities [kind]`: everything the bot knows, grouped by kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.answers import Answer, Kind, Section, usage
from bot.core.search import stem
from bot.core.wording import entity_label
from bot.shared.formats import plural, quote_input
from bot.shared.normalize import normalize

if TYPE_CHECKING:
    from bot.core.engine import Engine


def answer(engine: Engine, kind: str = "") -> Answer:
    kb = engine.kb
    kinds = sorted({e.kind.value for e in kb.entities.values()})
    wanted = next((k for k in kinds if stem(k) == stem(normalize(kind))), None)
    if kind.strip() and wanted is None:
        return usage("entities", f"I know no entities of the kind “{quote_input(kind)}”. "
                                 f"Kinds: {', '.join(kinds)}.")
    groups: dict[str, list[str]] = {}
    for e in sorted(kb.entities.values(), key=lambda e: (e.kind.value, e.name.casefold())):
        if not wanted or e.kind.value == wanted:
            groups.setdefault(e.kind.value, []).append(entity_label(e))
    sections = tuple(Section(k.capitalize(), tuple(v)) for k, v in groups.items())
    count = sum(len(v) for v in groups.values())
    return Answer(Kind.ENTITIES, "What I know about", query=kind,
                  summary=f"{plural(count, 'entity', 'entities')} from "
                          f"{plural(len(kb.sources), 'source')}.",
                  sections=sections, command="entities")
