"""`compare A B [C D]`: two to four entities side by side, row by row from what
the sources say of each, and how they relate (directly, or through a maker)."""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

from bot.core.answers import Answer, Cell, Kind, Row, Section, usage
from bot.core.linker import STOPWORDS, Resolution
from bot.core.wording import MADE_BY, TWO_WAY, link_phrase
from bot.knowledge.schema import ATTRIBUTE_LABELS, Category, Entity, EntityKind, Nature
from bot.shared.formats import human_join, shorten

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
        cells = tuple(_cell(engine, e, attribute) for e in entities)
        for cell in cells:
            cited.update(dict.fromkeys(cell.facts))
        if any(c.facts for c in cells) or attribute == "type":
            rows.append(Row(label, cells))
    makers = tuple(_who_makes(engine, e) for e in entities)
    if any(c.text != UNCOVERED for c in makers):
        rows.append(Row("Who makes or owns it", makers))
    links = _links(engine, entities)
    for _, facts in links:
        cited.update(dict.fromkeys(facts))
    sections = (Section("How they relate", tuple(t for t, _ in links)
                        or ("The sources draw no direct link between them.",)),)
    return Answer(Kind.COMPARISON, " vs ".join(e.name for e in entities), query=query,
                  columns=tuple(engine.column(e) for e in ids), rows=tuple(rows),
                  sections=sections, facts=tuple(engine.fact_view(f) for f in cited),
                  entities=tuple(ids), command="compare")


UNCOVERED = "not covered by the sources"
ROW_CATEGORIES: dict[str, frozenset[Category]] = {
    "latest": frozenset({Category.RELEASE}),
    "capabilities": frozenset({Category.CAPABILITY}),
    "market": frozenset({Category.MARKET}),
    "strategy": frozenset({Category.STRATEGY, Category.OUTLOOK}),
}
"""which facts fill a row when the entity has no hand-written attribute for it"""
CELL_WIDTH = 220


def _cell(engine: Engine, entity: Entity, attribute: str) -> Cell:
    """The newest fact of the row's categories about the entity or its products,
    reported facts before claims on the same date; a hand-written attribute wins
    unless a fact newer than those it cites has come in since."""
    attr = entity.attributes.get(attribute)
    if attribute == "type":
        return Cell(attr.value, tuple(attr.facts)) if attr else Cell(
            f"{entity.kind.value}: {entity.description}")
    kb = engine.kb
    newest = engine.memo(("newest by subject",), lambda: _newest_by_subject(engine))
    best = max((f for member in engine.family(entity.id)
                if (f := newest.get((member, attribute))) is not None),
               default=None, key=lambda f: _rank(engine, f, entity.id))
    if attr and (best is None or max(engine.event_date(kb.facts[f]) for f in attr.facts)
                 >= engine.event_date(kb.facts[best])):
        return Cell(attr.value, tuple(attr.facts))
    if best is None:
        return Cell(UNCOVERED)
    view = engine.fact_view(best)
    return Cell(f"{shorten(view.label, CELL_WIDTH)} ({view.when})", (best,))


def _rank(engine: Engine, fact_id: str, entity_id: str) -> tuple:
    """Newest first; on the same date reported before claims, the entity's own first."""
    fact = engine.kb.facts[fact_id]
    return (engine.event_date(fact), fact.nature is Nature.REPORTED, fact.subject == entity_id,
            fact_id)


def _newest_by_subject(engine: Engine) -> dict[tuple[str, str], str]:
    """(subject, row) -> the newest fact of the row's categories with that subject:
    one pass over the base, once per engine, so that a comparison only looks up."""
    row_of = {c: row for row, cats in ROW_CATEGORIES.items() for c in cats}
    newest: dict[tuple[str, str], str] = {}
    for fact in engine.kb.facts.values():
        row = row_of.get(fact.category)
        if row is None:
            continue
        k = (fact.subject, row)
        old = newest.get(k)
        if old is None or _rank(engine, fact.id, fact.subject) > _rank(engine, old, fact.subject):
            newest[k] = fact.id
    return newest



def _who_makes(engine: Engine, entity: Entity) -> Cell:
    parts = []
    if entity.parent:
        parts.append(f"made by {engine.name(entity.parent)}")
    made = [engine.name(c) for c in engine.kb.children.get(entity.id, ())
            if engine.kb.entities[c].kind is not EntityKind.PERSON]
    if made:
        parts.append("makes " + human_join(made[:6]) + (" and more" if len(made) > 6 else ""))
    text = "; ".join(parts)
    return Cell(text[:1].upper() + text[1:] if parts else UNCOVERED)


def _links(engine: Engine, entities: list[Entity]) -> list[tuple[str, tuple[str, ...]]]:
    """Every stated relation between two of the compared entities, or through
    one's maker (Qwen's maker Alibaba is DeepSeek's peer); a two-way relation
    stated by both sides is said once."""
    links: dict[str, tuple[str, ...]] = {}
    for a, b in combinations(entities, 2):
        for x, y in ((a, b), (b, a)):
            if x.parent == y.id:
                links.setdefault(link_phrase(MADE_BY, x, y), ())
            for r in x.relations:
                pair = {x.id, r.target}
                if r.target == y.id:
                    text = link_phrase(r.type, x, y)
                elif r.target == y.parent and r.target != x.id:
                    text = link_phrase(r.type, x, engine.kb.entities[y.parent])
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
