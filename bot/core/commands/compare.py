"""`compare A B [C D]`: two to four entities side by side, row by row from what
the sources say of each, and how they relate (directly, or through a maker)."""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

from bot.core.answers import Answer, Cell, Kind, Row, Section, usage
from bot.core.linker import STOPWORDS, Resolution
from bot.core.wording import MADE_BY, TWO_WAY, link_phrase
from bot.knowledge.schema import ATTRIBUTE_LABELS, Entity

if TYPE_CHECKING:
    from bot.core.engine import Engine

MIN_ENTITIES, MAX_ENTITIES = 2, 4
_HOW = "Give two to four names, e.g. `compare deepseek qwen`."
_CHINESE_JOINERS = "，、和与跟对比较"


def from_names(engine: Engine, names: list[str]) -> Answer:
    """The slash form: one name per option."""
    names = [n for n in names if n.strip()]
    if len(names) < MIN_ENTITIES:
        return usage("compare", _HOW)
    if len(names) > MAX_ENTITIES:
        return usage("compare", f"I can compare at most {MAX_ENTITIES} at once; "
                                f"you gave {len(names)}.")
    ids = []
    for name in names:
        resolution = engine.linker.resolve(name)
        if resolution.entity_id is None:
            return engine.did_you_mean(name, resolution, "compare")
        ids.append(resolution.entity_id)
    return table(engine, ids, query=" ".join(names))


def from_text(engine: Engine, text: str) -> Answer:
    """The prefix form: names in free text, `compare hugging face deepseek`."""
    linked = engine.linker.link(text)
    if linked.unresolved:
        first = linked.unresolved[0]
        return engine.did_you_mean(first.text, Resolution(None, first.suggestions), "compare")
    ids = list(linked.entity_ids)
    leftovers = [w for w in linked.free if w not in STOPWORDS and w not in _CHINESE_JOINERS]
    if leftovers and len(ids) < MIN_ENTITIES:
        word = " ".join(leftovers)
        return engine.did_you_mean(word, engine.linker.resolve(word), "compare")
    if len(linked.mentions) > len(ids) and len(ids) < MIN_ENTITIES:
        return _twice(engine, ids[0])
    if len(ids) < MIN_ENTITIES:
        return usage("compare", _HOW)
    if len(ids) > MAX_ENTITIES:
        return usage("compare", f"I can compare at most {MAX_ENTITIES} at once; "
                                f"you named {len(ids)}.")
    return table(engine, ids, query=text)


def _twice(engine: Engine, entity_id: str) -> Answer:
    return usage("compare", f"That names {engine.name(entity_id)} twice: "
                            "compare it with something else.")


def table(engine: Engine, ids: list[str], query: str) -> Answer:
    if len(set(ids)) < len(ids):
        return _twice(engine, next(e for e in ids if ids.count(e) > 1))
    entities = [engine.kb.entities[e] for e in ids]
    rows: list[Row] = []
    cited: dict[str, None] = {}
    for attribute, label in ATTRIBUTE_LABELS.items():
        cells = []
        for e in entities:
            attr = e.attributes.get(attribute)
            if attr:
                cells.append(Cell(attr.value, tuple(attr.facts)))
                cited.update(dict.fromkeys(attr.facts))
            elif attribute == "type":
                cells.append(Cell(f"{e.kind.value}: {e.description}"))
            else:
                cells.append(Cell("not covered by the sources"))
        if any(c.facts for c in cells) or attribute == "type":
            rows.append(Row(label, tuple(cells)))
    links = _links(engine, entities)
    for _, facts in links:
        cited.update(dict.fromkeys(facts))
    sections = (Section("How they relate", tuple(t for t, _ in links)
                        or ("The sources draw no direct link between them.",)),)
    return Answer(Kind.COMPARISON, " vs ".join(e.name for e in entities), query=query,
                  columns=tuple(engine.column(e) for e in ids), rows=tuple(rows),
                  sections=sections, facts=tuple(engine.fact_view(f) for f in cited),
                  entities=tuple(ids), command="compare")


def _links(engine: Engine, entities: list[Entity]) -> list[tuple[str, tuple[str, ...]]]:
    """Every stated relation between two of the compared entities, or through
    one's maker (Qwen's maker Alibaba is DeepSeek's peer); a two-way relation
    stated by both sides is said once."""
    links: dict[str, tuple[str, ...]] = {}
    for a, b in combinations(entities, 2):
        for x, y in ((a, b), (b, a)):
            if x.parent == y.id:
                links.setdefault(link_phrase(MADE_BY, x.name, y.name), ())
            for r in x.relations:
                pair = {x.id, r.target}
                if r.target == y.id:
                    text = link_phrase(r.type, x.name, y.name)
                elif r.target == y.parent and r.target != x.id:
                    text = link_phrase(r.type, x.name, engine.name(y.parent))
                    text += f" ({y.name}'s maker)"
                else:
                    continue
                seen = r.type in TWO_WAY and any(
                    r.type is o.type and {t.id, o.target} == pair
                    for t in entities for o in t.relations if t.id != x.id)
                if not (seen and x is b):
                    links.setdefault(text, tuple(r.facts))
        if a.parent and a.parent == b.parent:
            links.setdefault(f"{a.name} and {b.name} share a maker, {engine.name(a.parent)}", ())
    return list(links.items())
