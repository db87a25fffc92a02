"""`landscape [name]`: a picture of who makes, rivals and partners with whom,
coloured by market signal; the answer's text says what the picture shows, and
front ends draw it from `Answer.picture`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.answers import LANDSCAPE_TOP_N, Answer, Kind, Picture, PictureKind, Section
from bot.core.landscape import landscape_graph
from bot.core.wording import link_phrase

if TYPE_CHECKING:
    from bot.core.engine import Engine

MAX_LINK_LINES = 30


def answer(engine: Engine, focus: str = "", top_n: int = LANDSCAPE_TOP_N) -> Answer:
    focus = focus.strip()
    focus_id = None
    if focus:
        resolution = engine.linker.resolve(focus)
        if resolution.entity_id is None:
            return engine.did_you_mean(focus, resolution, "landscape")
        focus_id = resolution.entity_id
    graph = landscape_graph(engine.kb, focus_id, top_n)
    signal_lines = tuple(f"{n.name}: {', '.join(n.signals)}" for n in graph.nodes if n.signals)
    entities = engine.kb.entities
    link_lines = [link_phrase(e.kind, entities[e.source], entities[e.target]) for e in graph.edges]
    if len(link_lines) > MAX_LINK_LINES:
        more = len(link_lines) - MAX_LINK_LINES
        link_lines = [*link_lines[:MAX_LINK_LINES], f"…and {more} more (see the picture)"]
    sections = []
    if signal_lines:
        sections.append(Section("Market signals (from market facts)", signal_lines))
    if link_lines:
        sections.append(Section("Links", tuple(link_lines)))
    cited = dict.fromkeys(f for n in graph.nodes for f in n.signal_facts)
    cited.update(dict.fromkeys(f for e in graph.edges for f in e.facts))
    return Answer(Kind.PICTURE, graph.title, query=focus, summary=graph.summary,
                  sections=tuple(sections), facts=tuple(engine.fact_view(f) for f in cited),
                  entities=graph.ids, command="landscape",
                  picture=Picture(PictureKind.LANDSCAPE, focus_id, top_n))
