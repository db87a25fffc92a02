"""A process's side of the fleet without Discord: a fact base that a Fleet can read the
version of and swap, loaded by the real Loader."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

from bot.knowledge import KnowledgeBase, KnowledgeError, Loader
from bot.services.fleet import Fleet, FleetTimings

FAST = FleetTimings(lease=1.5, renew=0.3, check=1.0, ack_wait=2.0, identify_window=0.5,
                    op_timeout=0.25, retry=0.2)
_prefixes = itertools.count()


class Host:
    def __init__(self, knowledge: Path) -> None:
        self.loader = Loader(knowledge)
        self.kb: KnowledgeBase = self.loader.load()

    def serving(self) -> str:
        return self.kb.version

    async def install(self, loader: Loader) -> tuple[str, ...]:
        try:
            self.kb = await asyncio.to_thread(loader.load)
        except KnowledgeError as exc:
            return tuple(str(p) for p in exc.problems)
        return ()

    async def reload(self) -> str:
        self.kb = await asyncio.to_thread(self.loader.load)
        return self.kb.version

    def fleet(self, url: str, prefix: str, shards: tuple[int, ...], name: str,
              shard_count: int = 3, timings: FleetTimings = FAST) -> Fleet:
        return Fleet(url, shards=shards, shard_count=shard_count, install=self.install,
                     serving=self.serving, local_root=self.loader.root, name=name, prefix=prefix,
                     timings=timings)


def new_prefix() -> str:
    return f"t{next(_prefixes)}"
