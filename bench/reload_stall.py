"""How long the event loop stalls while the bot reloads a large fact base:
`python -m bench.reload_stall`.

While `RaceBot.reload_knowledge()` (the code `!reload` runs) builds the new
engine in a worker thread, a ticker task on the event loop sleeps 5 ms at a
time and records how late each wake-up is: that lateness is how long every
question, heartbeat and button press would have waited. Three kinds of reload
on the 100,000-fact synthetic base (`bench.generate`, made if missing):

* one-file: a maintainer's edit, one statement changed in one facts file;
* all-files: every file touched, so every file is parsed again (a checkout
  that rewrote the directory);
* unchanged: nothing to re-read, the engine is rebuilt all the same.

`--naive` also measures the plain recipe, `await asyncio.to_thread(lambda:
Engine(loader.load()))` and then the swap, for comparison. It all happens on a
copy of the base in a temporary directory. The target: a worst stall under 50 ms.

The last line is machine-readable: `reload_stall: max_ms=X p50_ms=X`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import generate
from bot.core import Engine
from bot.frontends.discord.client import RaceBot
from bot.knowledge import Loader
from bot.shared.settings import Settings

TICK = 0.005
TARGET_MS = 50.0


@dataclass
class Ticker:
    """Sleeps TICK in a loop on the event loop; `late` holds how late each wake-up was (s)."""

    late: list[float] = field(default_factory=list)
    _task: asyncio.Task | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            self.late.append(max(0.0, now - last - TICK))
            last = now

    async def __aenter__(self) -> Ticker:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


@dataclass
class Row:
    how: str
    change: str
    took: list[float] = field(default_factory=list)
    late: list[float] = field(default_factory=list)

    def line(self) -> str:
        late = sorted(self.late) or [0.0]
        p99 = late[min(len(late) - 1, int(len(late) * 0.99))]
        return (f"{self.how:<7} {self.change:<10} {len(self.took):>3} {statistics.median(self.took):>7.2f}s "
                f"{len(late):>6} {statistics.median(late) * 1e3:>7.1f} {p99 * 1e3:>7.1f} "
                f"{late[-1] * 1e3:>8.1f}")


def _edit_one(path: Path, n: int) -> None:
    """Change the first statement of a facts file: a different word each time."""
    text = path.read_text("utf-8")
    head, sep, rest = text.partition("statement: ")
    word = f"Edit{n:04d} "
    body = rest[len("Edit0000 "):] if rest.startswith("Edit") else rest
    path.write_text(head + sep + word + body, "utf-8")


def _touch_all(root: Path) -> None:
    now = time.time_ns()
    for path in root.rglob("*.yaml"):
        os.utime(path, ns=(now, now))


async def measure(reload: Callable[[], Awaitable[None]], change: Callable[[], None], row: Row,
                  times: int) -> None:
    for _ in range(times):
        change()
        gc.collect()
        async with Ticker() as ticker:
            started = time.perf_counter()
            await reload()
            row.took.append(time.perf_counter() - started)
            # Let the ticker wake once more: a stall at the very end of the reload (the
            # swap, dropping the old engine) shows only in the wake-up after it.
            await asyncio.sleep(TICK * 4)
        row.late.extend(ticker.late)


async def run(root: Path, times: int, naive: bool, original: Path) -> list[Row]:
    loader = Loader(root)
    settings = Settings(_env_file=None, discord_token=None, knowledge_dir=root, query_log="off")
    bot = RaceBot(settings, Engine(loader.load()), loader)
    print(f"fact base: {bot.engine.kb.summary()}, a copy of {original}", file=sys.stderr)
    print(f"{'how':<7} {'change':<10} {'n':>3} {'reload':>8} {'ticks':>6} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'max ms':>8}", file=sys.stderr)

    async def bot_reload() -> None:
        result = await bot.reload_knowledge()
        assert result.ok, result.problems

    async def naive_reload() -> None:
        bot.engine = await asyncio.to_thread(lambda: Engine(loader.load(), previous=bot.engine))

    facts = sorted((root / "facts").glob("*.yaml"))[0]
    counter = iter(range(1, 10_000))
    changes = {
        "one-file": lambda: _edit_one(facts, next(counter)),
        "all-files": lambda: _touch_all(root),
        "unchanged": lambda: None,
    }
    rows = []
    for how, reload in (("bot", bot_reload), *((("naive", naive_reload),) if naive else ())):
        for change, make in changes.items():
            row = Row(how, change)
            await measure(reload, make, row, times)
            rows.append(row)
            print(row.line(), file=sys.stderr)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reload_stall", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knowledge", type=Path, default=None,
                        help="a knowledge directory (default: the 100,000-fact synthetic base)")
    parser.add_argument("--times", type=int, default=3, help="reloads of each kind (default 3)")
    parser.add_argument("--naive", action="store_true",
                        help="also measure to_thread(Engine(loader.load())) + swap")
    args = parser.parse_args(argv)
    root = args.knowledge
    if root is None:
        params = generate.Params()
        root, _ = generate.ensure(generate.default_out(params), params)
    with tempfile.TemporaryDirectory(prefix="reload-stall-") as tmp:
        work = Path(tmp) / "knowledge"  # edited and touched: never the original
        shutil.copytree(root, work)
        rows = asyncio.run(run(work, args.times, args.naive, root))
    ours = [late for r in rows if r.how == "bot" for late in r.late]
    worst, p50 = max(ours) * 1e3, statistics.median(ours) * 1e3
    verdict = "within" if worst < TARGET_MS else "OVER"
    print(f"worst stall during the bot's reloads: {worst:.1f} ms ({verdict} the {TARGET_MS:.0f} ms "
          f"target); median tick lateness {p50:.1f} ms", file=sys.stderr)
    print(f"reload_stall: max_ms={worst:.1f} p50_ms={p50:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
