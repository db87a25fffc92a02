"""Pictures drawn once per fact-base version: a repeated `landscape` or compare
card is served from memory, and a reload (a new version) never serves a stale one."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from bot.core.answers import Answer, Kind
from bot.knowledge import KnowledgeBase
from bot.output.pictures.landscape import TOP_N, resolve_focus


def picture_kind(answer: Answer) -> str | None:
    """The picture an answer asks for: "landscape", "card" (a comparison made
    with --card), or None. Front ends ask this before drawing off the loop."""
    if answer.kind is Kind.PICTURE and answer.meta.get("picture") == "landscape":
        return "landscape"
    if answer.kind is Kind.COMPARISON and answer.meta.get("card"):
        return "card"
    return None


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

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

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

    def landscape(self, kb: KnowledgeBase, focus: str | None = None, top_n: int = TOP_N) -> bytes:
        """The landscape PNG; focus is an entity id, name or alias (KeyError if unknown)."""
        from bot.output.pictures.draw import render_landscape
        from bot.output.pictures.landscape import landscape_graph

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
        """The PNG an answer asks for (see picture_kind), or None."""
        kind = picture_kind(answer)
        if kind == "landscape":
            top_n = int(answer.meta.get("top_n") or TOP_N)
            return self.landscape(kb, answer.meta.get("focus") or None, top_n)
        if kind == "card":
            return self.compare_card(kb, answer)
        return None
