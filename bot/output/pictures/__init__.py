"""Pictures of the fact base, as PNG bytes, with no Discord in here.

* `landscape_graph(kb, focus, top_n)` -> LandscapeGraph: the data (testable
  without drawing); `render_landscape(graph)` -> PNG.
* `render_compare_card(answer)` -> PNG of a comparison Answer's table.
* `landscape_answer(engine, focus)`: the `landscape [name]` command's Answer
  (Kind.PICTURE); `picture_for(kb, answer)` draws whatever picture an answer
  asks for (a landscape, or a compare made with --card), through a cache keyed
  by the fact-base version.

Importing this package does not import matplotlib: render.py is loaded on
first drawing, so routing and tests of the data stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.output.pictures.cache import PictureCache, picture_kind
from bot.output.pictures.landscape import (
    TOP_N,
    Edge,
    LandscapeGraph,
    MarketSignal,
    Node,
    SourceRef,
    landscape_answer,
    landscape_graph,
    market_signals,
)

if TYPE_CHECKING:
    from bot.core.answers import Answer
    from bot.knowledge import KnowledgeBase

PICTURES = PictureCache()
"""The process-wide cache front ends share."""


def picture_for(kb: KnowledgeBase, answer: Answer, cache: PictureCache | None = None) -> bytes | None:
    """PNG bytes for an answer that asks for a picture, else None. The answer
    must come from an engine over this kb (the cache is keyed by kb.version)."""
    return (PICTURES if cache is None else cache).picture_for(kb, answer)


def warm_up() -> str | None:
    """Import matplotlib and networkx and find the CJK font now (about half a
    second, once per process), e.g. at bot start-up in a worker thread, so the
    first picture a user asks for is not the slow one. Returns the CJK family."""
    from bot.output.pictures import draw  # noqa: F401  (the import is the point)
    from bot.output.pictures.fonts import cjk_family

    return cjk_family()


def render_landscape(graph: LandscapeGraph) -> bytes:
    from bot.output.pictures.draw import render_landscape as draw

    return draw(graph)


def render_compare_card(answer: Answer) -> bytes:
    from bot.output.pictures.draw import render_compare_card as draw

    return draw(answer)


__all__ = ["PICTURES", "TOP_N", "Edge", "LandscapeGraph", "MarketSignal", "Node", "PictureCache",
           "SourceRef", "landscape_answer", "landscape_graph", "market_signals", "picture_for",
           "picture_kind", "render_compare_card", "render_landscape", "warm_up"]
