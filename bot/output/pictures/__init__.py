"""Pictures of core answers, as PNG bytes, with no Discord in here.

* `render_landscape(graph)` -> PNG of a bot.core.landscape.LandscapeGraph.
* `render_compare_card(answer)` -> PNG of a comparison Answer's table.
* `PictureCache().picture_for(kb, answer)` draws whatever picture an answer asks for
  (`answer.picture`: a landscape, or a comparison made with --card), through a
  cache keyed by the fact-base version.

Importing this package does not import matplotlib: draw.py is loaded on first
drawing, so routing and tests of the data stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.output.pictures.cache import PictureCache

if TYPE_CHECKING:
    from bot.core.answers import Answer
    from bot.core.landscape import LandscapeGraph


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


__all__ = ["PictureCache", "render_compare_card", "render_landscape",
           "warm_up"]
