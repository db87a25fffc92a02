"""Pictures drawn once per fact-base version: a repeated `landscape` or compare
card is served from memory, and a reload (a new version) never serves a stale one."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from bot.core.answers import LANDSCAPE_TOP_N, Answer, Kind, PictureKind
from bot.core.landscape import landscape_graph, resolve_focus
from bot.knowledge import KnowledgeBase


class PictureCache:
    """A small LRU of PNG bytes keyed by (kb.version, kind, what is drawn).

    Thread-safe; two threads asking for the same new picture at once may both
    draw it (the second result wins), which is harmless.
    """

    def __init__(self, maxsize: int = 64) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.draws = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, draw: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        data = draw()
        with self._lock:
            self.draws += 1
            self._items[key] = data
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return data

    def landscape(self, kb: KnowledgeBase, focus: str | None = None,
                  top_n: int = LANDSCAPE_TOP_N) -> bytes:
        """The landscape PNG; focus is an entity id, name or alias (KeyError if unknown)."""
        from bot.output.pictures.draw import render_landscape

        focus_id = None
        if focus is not None and focus.strip():
            focus_id = resolve_focus(kb, focus)
            if focus_id is None:
                raise KeyError(focus)
        return self.get((kb.version, "landscape", focus_id, top_n),
                        lambda: render_landscape(landscape_graph(kb, focus_id, top_n)))

    def compare_card(self, kb: KnowledgeBase, answer: Answer) -> bytes:
        """The compare card PNG of a comparison answer made from this kb."""
        from bot.output.pictures.draw import render_compare_card

        if answer.kind is not Kind.COMPARISON:
            raise ValueError(f"a compare card needs a comparison answer, not {answer.kind.value}")
        return self.get((kb.version, "card", answer.entities), lambda: render_compare_card(answer))

    def picture_for(self, kb: KnowledgeBase, answer: Answer) -> bytes | None:
        """The PNG an answer asks for (`answer.picture`), or None."""
        picture = answer.picture
        if picture is None:
            return None
        if picture.kind is PictureKind.LANDSCAPE:
            return self.landscape(kb, picture.focus, picture.top_n)
        return self.compare_card(kb, answer)
