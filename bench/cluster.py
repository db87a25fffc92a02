"""What sharing state through Redis costs: `python -m bench.cluster`.

* reload propagation: three processes (this one and two workers, each a `Fleet` with its
  own copy of the knowledge files, as on three machines) and one local redis-server; a
  maintainer's edit (one file touched) is reloaded here, and the time runs from the start
  of the reload (validating the local files) to the last of the three acknowledgements,
  which is when `!reload` replies;
* the answering path with Redis on and off: one cooldown check (`Fleet.hit`, the one Redis
  call a question makes, or the local CooldownMapping) plus `route()` over the base.

The last line is machine-readable: `cluster: reload_p50_ms=X reload_p99_ms=X ...`.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from discord.ext import commands

from bot.core import Engine, route
from bot.frontends.supervisor import LocalRedis
from bot.knowledge import KnowledgeError, Loader
from bot.services.fleet import Fleet
from bot.shared.settings import PROJECT_ROOT

PREFIX = "bench"
QUESTIONS = ("compare deepseek qwen", "about moonshot", "what did deepseek release?", "timeline")


class Process:
    """One process's engine and its side of the fleet."""

    def __init__(self, url: str, shard: int, root: Path) -> None:
        self.loader = Loader(root)
        self.engine = Engine(self.loader.load())
        self.fleet = Fleet(url, shards=(shard,), shard_count=3, install=self.install,
                           serving=lambda: self.engine.kb.version, local_root=root,
                           name=f"p{shard}", prefix=PREFIX)

    async def install(self, loader: Loader) -> tuple[str, ...]:
        try:
            self.engine = await asyncio.to_thread(lambda: Engine(loader.load(), previous=self.engine))
        except KnowledgeError as exc:
            return tuple(str(p) for p in exc.problems)
        return ()

    async def reload(self) -> str:
        self.engine = await asyncio.to_thread(
            lambda: Engine(self.loader.load(), previous=self.engine))
        return (await self.fleet.share(self.engine.kb.version)).line()


async def worker(url: str, shard: int, root: Path) -> None:
    process = Process(url, shard, root)
    await process.fleet.start()
    print("ready", flush=True)
    await asyncio.Event().wait()


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


async def drive(url: str, roots: list[Path], reloads: int, answers: int) -> str:
    workers = [subprocess.Popen([sys.executable, "-m", "bench.cluster", "--worker", url, str(k),
                                 str(roots[k])], stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT)
               for k in (1, 2)]
    try:
        for w in workers:
            assert w.stdout is not None and w.stdout.readline().strip() == "ready"
        me = Process(url, 0, roots[0])
        await me.fleet.start()
        edited = next(p for p in sorted(roots[0].rglob("*.yaml")) if "facts" in p.parts)
        original = edited.read_text()
        reload_ms = []
        for n in range(reloads):
            edited.write_text(f"{original}\n# bench edit {n}\n")
            started = time.perf_counter()
            line = await me.reload()
            reload_ms.append((time.perf_counter() - started) * 1000)
            assert line.startswith("3/3 processes"), line
        edited.write_text(original)

        # the bot's own local cooldowns, as without REDIS_URL
        local = commands.CooldownMapping(commands.Cooldown(10**9, 8.0), commands.BucketType.default)
        on_ms, off_ms = [], []
        for n in range(answers):
            question = QUESTIONS[n % len(QUESTIONS)]
            started = time.perf_counter()
            await me.fleet.hit(n % 500, 10**9, 8.0)
            route(me.engine, question)
            on_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            local.get_bucket(None).update_rate_limit()
            route(me.engine, question)
            off_ms.append((time.perf_counter() - started) * 1000)
        hit_ms = []
        for n in range(answers):
            started = time.perf_counter()
            await me.fleet.hit(n % 500, 10**9, 8.0)
            hit_ms.append((time.perf_counter() - started) * 1000)
        await me.fleet.close()
    finally:
        for w in workers:
            w.kill()
            w.wait(10)
    (r50, r99), (h50, h99) = percentiles(reload_ms), percentiles(hit_ms)
    (on50, on99), (off50, off99) = percentiles(on_ms), percentiles(off_ms)
    facts = len(me.engine.kb.facts)
    print(f"reload propagation, 3 processes, {facts} facts, {reloads} reloads: "
          f"p50 {r50:.1f} ms, p99 {r99:.1f} ms (command to the last acknowledgement)")
    print(f"cooldown check on Redis ({answers} calls): p50 {h50:.3f} ms, p99 {h99:.3f} ms")
    print(f"answering path, Redis on:  p50 {on50:.3f} ms, p99 {on99:.3f} ms")
    print(f"answering path, Redis off: p50 {off50:.3f} ms, p99 {off99:.3f} ms")
    return (f"cluster: reload_p50_ms={r50:.1f} reload_p99_ms={r99:.1f} hit_p50_ms={h50:.3f} "
            f"hit_p99_ms={h99:.3f} answer_on_p50_ms={on50:.3f} answer_on_p99_ms={on99:.3f} "
            f"answer_off_p50_ms={off50:.3f} answer_off_p99_ms={off99:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__)
    parser.add_argument("--knowledge", type=Path, default=PROJECT_ROOT / "knowledge")
    parser.add_argument("--reloads", type=int, default=30)
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--worker", nargs=3, metavar=("URL", "SHARD", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        url, shard, root = args.worker
        asyncio.run(worker(url, int(shard), Path(root)))
        return 0
    binary = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/sbin")
    if binary is None:
        print("bench.cluster needs redis-server (apt-get install redis-server)", file=sys.stderr)
        return 2
    redis = LocalRedis(binary)
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        roots = []
        for k in range(3):
            roots.append(Path(tmp, f"machine{k}", "knowledge"))
            shutil.copytree(args.knowledge, roots[-1])
        try:
            print(asyncio.run(drive(redis.url, roots, args.reloads, args.answers)))
        finally:
            redis.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
