"""A pause of the cyclic garbage collector while a large base is built.

Loading creates about a dozen container objects per fact; with the collector
on, each collection walks everything built so far, which makes a load of
100,000 facts half as slow again (`make bench`: 3.9 s with the pause, 6.0 s
without). The pause freezes nothing: objects made meanwhile, anywhere in the
process, are collected as usual once it ends (an earlier `gc.freeze()` here
pinned every cycle made during a reload, forever).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Concurrent pauses may overlap: the collector is on again once the first
    that found it on ends, and never left off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
