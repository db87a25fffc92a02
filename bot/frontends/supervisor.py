"""`python -m bot cluster`: several bot processes on one machine, each running its own range
of shards, sharing one Redis; a crashed one is started again, SIGTERM stops them all.

On several machines run `python -m bot run` on each instead, with its own SHARD_IDS and
the same SHARD_COUNT and REDIS_URL (README: Running several processes)."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("bot.cluster")

UP_LONG_ENOUGH = 60.0
"""a child that ran this long before it stopped is restarted at once, not after a backoff"""


def split_shards(shard_count: int, processes: int) -> list[tuple[int, ...]]:
    """Disjoint, contiguous ranges that cover every shard: 10 over 3 -> 0-3, 4-6, 7-9."""
    if not 1 <= processes <= shard_count:
        raise ValueError(f"--processes must be from 1 to the shard count ({shard_count})")
    size, extra = divmod(shard_count, processes)
    ranges, start = [], 0
    for i in range(processes):
        end = start + size + (i < extra)
        ranges.append(tuple(range(start, end)))
        start = end
    return ranges


def ids_setting(shards: Sequence[int]) -> str:
    return f"{shards[0]}-{shards[-1]}" if len(shards) > 1 else str(shards[0])


@dataclass
class Child:
    shards: tuple[int, ...]
    popen: subprocess.Popen | None = None
    started: float = 0.0
    backoff: float = 1.0
    due: float = 0.0
    """when a stopped child is started again"""


class LocalRedis:
    """A redis-server for this cluster alone, when REDIS_URL is not set: loopback, a free
    port, its data in a temporary directory that goes with it."""

    def __init__(self, binary: str) -> None:
        self.dir = tempfile.TemporaryDirectory(prefix="racebot-redis-")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.popen = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir.name,
             "--appendonly", "yes", "--save", "", "--logfile", str(Path(self.dir.name, "redis.log"))],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not self._ready():
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the local redis-server did not start")
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)
        self.dir.cleanup()


class Supervisor:
    def __init__(self, command: Sequence[str], shard_count: int, processes: int,
                 redis_url: str, env: dict[str, str] | None = None) -> None:
        self.command = list(command)
        self.shard_count = shard_count
        self.children = [Child(shards) for shards in split_shards(shard_count, processes)]
        self.env = {**(env if env is not None else os.environ), "REDIS_URL": redis_url,
                    "SHARD_COUNT": str(shard_count)}
        self._stopping = False

    def _start(self, child: Child) -> None:
        env = {**self.env, "SHARD_IDS": ids_setting(child.shards)}
        child.popen = subprocess.Popen(self.command, env=env)
        child.started = time.monotonic()
        log.info("started shards %s of %d: pid %d", ids_setting(child.shards), self.shard_count,
                 child.popen.pid)

    def _stop_signal(self, signum: int, _frame: object) -> None:
        self._stopping = True

    def run(self) -> int:
        """Until SIGTERM or SIGINT: then each child gets SIGTERM (it closes its sessions and
        gives up its leases), and after 20 s SIGKILL."""
        previous = {sig: signal.signal(sig, self._stop_signal)
                    for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            for child in self.children:
                self._start(child)
            while not self._stopping:
                time.sleep(0.2)
                self._watch()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def _watch(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if child.popen is None:
                if now >= child.due:
                    self._start(child)
                continue
            code = child.popen.poll()
            if code is None:
                continue
            ran = now - child.started
            child.backoff = 1.0 if ran >= UP_LONG_ENOUGH else min(child.backoff * 2, 30.0)
            delay = 0.0 if ran >= UP_LONG_ENOUGH else child.backoff
            log.warning("shards %s (pid %d) exited with code %s after %.0f s: starting them "
                        "again in %.0f s", ids_setting(child.shards), child.popen.pid, code, ran,
                        delay)
            child.popen, child.due = None, now + delay

    def _stop_all(self) -> None:
        running = [c.popen for c in self.children if c.popen is not None and c.popen.poll() is None]
        for popen in running:
            popen.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for popen in running:
            try:
                popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("pid %d did not stop within 20 s: killing it", popen.pid)
                popen.kill()
                popen.wait(5)
        log.info("all %d processes stopped", len(self.children))


def run_cluster(processes: int, shard_count: int | None, redis_url: str | None,
                command: Sequence[str] | None = None) -> int:
    """The `cluster` command: one clear line and exit code 2 for what cannot work."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s cluster: %(message)s")
    count = shard_count or processes
    try:
        split_shards(count, processes)
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    local = None
    if redis_url is None:
        binary = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/sbin")
        if binary is None:
            log.error("REDIS_URL is not set and no redis-server is installed: set REDIS_URL, "
                      "or install one (apt-get install redis-server)")
            return 2
        local = LocalRedis(binary)
        redis_url = local.url
        log.info("REDIS_URL not set: started a local redis-server at %s", redis_url)
    try:
        return Supervisor(command or [sys.executable, "-m", "bot", "run"], count, processes,
                          redis_url).run()
    finally:
        if local is not None:
            local.stop()
