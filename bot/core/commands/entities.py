"""`entities [kind]`: everything the bot knows, grouped by kind."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from bot.core.answers import Answer, Kind, Section, usage
from bot.core.wording import entity_label, kind_count, kind_plural
from bot.knowledge.schema import EntityKind
from bot.shared.formats import human_join, plural, quote_input
from bot.shared.normalize import normalize

if TYPE_CHECKING:
    from bot.core.engine import Engine

_OTHER_NAMES: dict[str, EntityKind] = {
    "persons": EntityKind.PERSON, "people": EntityKind.PERSON, "founder": EntityKind.PERSON,
    "founders": EntityKind.PERSON, "organization": EntityKind.ORGANISATION,
    "organizations": EntityKind.ORGANISATION, "firm": EntityKind.COMPANY,
    "firms": EntityKind.COMPANY, "lab": EntityKind.COMPANY, "labs": EntityKind.COMPANY,
    "llm": EntityKind.MODEL, "llms": EntityKind.MODEL, "chips": EntityKind.CHIP,
    "公司": EntityKind.COMPANY, "企业": EntityKind.COMPANY, "模型": EntityKind.MODEL,
    "大模型": EntityKind.MODEL, "人": EntityKind.PERSON, "人物": EntityKind.PERSON,
    "国家": EntityKind.COUNTRY, "芯片": EntityKind.CHIP, "平台": EntityKind.PLATFORM,
    "政策": EntityKind.POLICY, "市场": EntityKind.MARKET, "机构": EntityKind.ORGANISATION,
    "组织": EntityKind.ORGANISATION, "监管": EntityKind.REGULATOR,
}
"""what people type for a kind besides its name and plural: other plurals, US
spellings, everyday words and Chinese"""
_NAMES: dict[str, EntityKind] = {
    **{k.value: k for k in EntityKind}, **{kind_plural(k): k for k in EntityKind}, **_OTHER_NAMES,
}


def kind_named(text: str) -> EntityKind | None:
    """The kind a word names: singular or plural (`people`, `persons`), or one slip
    away from one (`companys`, `modles`); two slips in a long word."""
    word = normalize(text).strip()
    if word in _NAMES:
        return _NAMES[word]
    if len(word) < 4:
        return None
    slack = 2 if len(word) >= 8 else 1
    near = {_NAMES[name] for name in _NAMES if OSA.distance(word, name) <= slack}
    return near.pop() if len(near) == 1 else None


def answer(engine: Engine, kind: str = "") -> Answer:
    kb = engine.kb
    counts = Counter(e.kind for e in kb.entities.values())
    wanted = kind_named(kind) if kind.strip() else None
    if kind.strip() and not counts[wanted]:
        here = human_join(kind_count(k, counts[k]) for k in sorted(counts, key=lambda k: k.value))
        most = max(counts, key=lambda k: (counts[k], k.value)).value
        if wanted is None:
            said = f"I know no kind of entity called “{quote_input(kind)}”. The fact base has"
        else:
            said = f"The fact base has no {kind_plural(wanted)} yet. It has"
        return usage("entities", f"{said} {here}: try `entities {most}`.")
    groups: dict[str, list[str]] = {}
    for e in sorted(kb.entities.values(), key=lambda e: (e.kind.value, e.name.casefold())):
        if wanted is None or e.kind is wanted:
            groups.setdefault(e.kind.value, []).append(entity_label(e))
    sections = tuple(Section(k.capitalize(), tuple(v)) for k, v in groups.items())
    if wanted is None:
        summary = (f"{plural(len(kb.entities), 'entity', 'entities')} from "
                   f"{plural(len(kb.sources), 'source')}.")
    else:
        summary = (f"{kind_count(wanted, counts[wanted])}, of "
                   f"{plural(len(kb.entities), 'entity', 'entities')} from "
                   f"{plural(len(kb.sources), 'source')}.")
    return Answer(Kind.ENTITIES, "What I know about", query=kind, summary=summary,
                  sections=sections, command="entities")
