"""Several bot processes, on one machine or many, kept in step through one Redis.

What they share: who runs which shard (leases), when a shard may IDENTIFY (Discord's
max_concurrency buckets), which fact base everyone serves (a durable current-version key
moved by compare-and-set, the validated files stored under their version, a pub/sub
notice, acknowledgements), and each user's cooldown.

Answering never waits on Redis: the one call on that path (`hit`) is skipped while Redis
is known to be down and times out in a fraction of a second otherwise; the caller then
uses its local cooldowns. Everything else runs in one background task that reconnects,
renews, checks in and checks the current version.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from bot.knowledge import Loader
from bot.services.fleet import scripts
from bot.services.fleet.bundle import BundleError, make_bundle, open_bundle, write_tree

log = logging.getLogger(__name__)

DOWN = (RedisError, OSError, TimeoutError)
"""how an unreachable, stopped or frozen Redis surfaces"""


@dataclass(frozen=True, slots=True)
class FleetTimings:
    """Seconds. Tests shorten them; production keeps these."""

    lease: float = 15.0
    """a shard lease lives this long unrenewed: a crashed process's shards free up after it"""
    renew: float = 5.0
    """leases renewed and this process's check-in written this often"""
    check: float = 45.0
    """the current-version key read this often (pub/sub drops notices on a disconnect)"""
    ack_wait: float = 10.0
    identify_window: float = 5.0
    """Discord allows one IDENTIFY per max_concurrency bucket every 5 s"""
    op_timeout: float = 0.25
    """on the answering path"""
    retry: float = 1.0
    """reconnect attempts while Redis is down"""


class LeaseRefused(Exception):
    """Another live process runs one of our shards: two sessions on one shard would answer
    every message twice."""


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    shards: tuple[int, ...]
    version: str
    generation: int
    checked_in: float
    """time.time() of its last check-in"""


@dataclass(frozen=True, slots=True)
class FleetStatus:
    generation: int
    version: str
    members: list[Member]


@dataclass(slots=True)
class ReloadReport:
    """What a shared reload reached, in the words `!reload` replies with."""

    version: str
    local_only: bool = False
    confirmed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    wait: float = 10.0

    def line(self) -> str:
        if self.local_only:
            return "local only: Redis unreachable"
        total = len(self.confirmed) + len(self.failed) + len(self.missing)
        text = f"{len(self.confirmed)}/{total} processes on version {self.version[:10]}"
        if self.missing:
            text += f"; no confirmation within {self.wait:.0f} s from {', '.join(self.missing)}"
        for name, error in self.failed:
            text += f"; {name} kept its version: {error}"
        return text


Install = Callable[[Loader], Awaitable[tuple[str, ...]]]
"""builds an engine from a Loader off the event loop and swaps it in; the problems, if not"""


class Fleet:
    def __init__(self, url: str, *, shards: tuple[int, ...], shard_count: int, install: Install,
                 serving: Callable[[], str], local_root: Path, name: str | None = None,
                 prefix: str = "racebot", timings: FleetTimings | None = None) -> None:
        self.t = timings or FleetTimings()
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.shards, self.shard_count = shards, shard_count
        self._install, self._serving, self._local_root = install, serving, local_root
        self.prefix = prefix
        # The answering path never retries; background work retries once, at once, so that
        # a pooled connection Redis closed (it restarted) is replaced, not taken for an outage.
        connect = self.t.op_timeout * 4
        self._fast = aioredis.Redis.from_url(url, decode_responses=True, retry=Retry(NoBackoff(), 0),
                                             socket_timeout=self.t.op_timeout,
                                             socket_connect_timeout=connect)
        self._redis = aioredis.Redis.from_url(url, decode_responses=True, retry=Retry(NoBackoff(), 1),
                                              socket_timeout=5.0, socket_connect_timeout=connect)
        self._blobs = aioredis.Redis.from_url(url, retry=Retry(NoBackoff(), 1), socket_timeout=10.0,
                                              socket_connect_timeout=connect)
        self._advance = self._redis.register_script(scripts.ADVANCE)
        self._cooldown = self._fast.register_script(scripts.COOLDOWN)
        self._renew = self._redis.register_script(scripts.RENEW)
        self._release = self._redis.register_script(scripts.RELEASE)
        self.available = False
        self.generation = 0
        """the generation of the version this process serves (0: none shared yet)"""
        self._refused = 0
        """a generation whose bundle failed here: not retried until a newer one"""
        self._pending: tuple[str, bytes] | None = None
        """a reload made while Redis was down, shared when it returns unless overtaken"""
        self._sync = asyncio.Lock()
        self._task: asyncio.Task | None = None
        self._notices: set[asyncio.Task] = set()
        self._closing = False
        self._mirror_dir = tempfile.TemporaryDirectory(prefix="racebot-fleet-")
        self._mirror = Loader(Path(self._mirror_dir.name) / "knowledge")
        self.on_lease_lost: Callable[[str], None] = lambda message: None
        self.last_check: float | None = None

    def _key(self, *parts: object) -> str:
        return ":".join((self.prefix, *map(str, parts)))

    @property
    def _leases(self) -> list[str]:
        return [self._key("lease", self.shard_count, s) for s in self.shards]

    # --- start and stop -----------------------------------------------------------

    async def start(self) -> None:
        """Take the shard leases (LeaseRefused if another live process holds one), then
        serve the fleet's current version; with Redis unreachable, carry on from the local
        files and join when it returns."""
        try:
            await self._take_leases()
            self._set_available(True)
            await self.reconcile("start")
            await self._renew_and_check_in()
        except DOWN as exc:
            self._set_available(False, exc)
            log.warning("Redis unreachable at start (%s): answering from the local files "
                        "(version %s) until it returns", _why(exc), self._serving()[:10])
        self._task = asyncio.create_task(self._run(), name="fleet")

    async def _take_leases(self) -> None:
        taken: list[str] = []
        ms = int(self.t.lease * 1000)
        for shard, key in zip(self.shards, self._leases, strict=True):
            if await self._redis.set(key, self.name, nx=True, px=ms):
                taken.append(key)
                continue
            holder, ttl = await self._redis.get(key), await self._redis.pttl(key)
            if taken:
                await self._release(keys=taken, args=[self.name])
            raise LeaseRefused(
                f"Shard {shard} of {self.shard_count} is already run by {holder} (its lease "
                f"expires in {max(ttl, 0) / 1000:.0f} s if that process has stopped): stop it, "
                "or give this process other SHARD_IDS.")

    async def close(self) -> None:
        """Give up the leases and the check-in, so a replacement starts at once."""
        if self._closing:
            return
        self._closing = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.available:
            with contextlib.suppress(*DOWN):
                await self._release(keys=self._leases, args=[self.name])
                await self._redis.delete(self._key("member", self.name))
        for client in (self._fast, self._redis, self._blobs):
            with contextlib.suppress(*DOWN):
                await client.aclose()
        self._mirror_dir.cleanup()

    # --- the background task ------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._closing:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self._key("reload"))
                if not self.available:
                    self._set_available(True)
                    await self._renew_and_check_in()
                    await self.reconcile("Redis back")
                else:
                    await self._renew_and_check_in()
                next_renew, next_check = loop.time() + self.t.renew, loop.time() + self.t.check
                while not self._closing:
                    timeout = max(0.05, min(next_renew, next_check) - loop.time())
                    message = await pubsub.get_message(ignore_subscribe_messages=True,
                                                       timeout=min(timeout, 1.0))
                    if message is not None:
                        task = asyncio.create_task(self._on_notice(message["data"]))
                        self._notices.add(task)
                        task.add_done_callback(self._notices.discard)
                    if not self.available:  # something else saw Redis fail: make sure,
                        await self._redis.ping()  # and catch up with what we may have missed
                        self._set_available(True)
                        await self.reconcile("Redis back")
                    if loop.time() >= next_renew:
                        await self._renew_and_check_in()
                        next_renew = loop.time() + self.t.renew
                    if loop.time() >= next_check:
                        await self.reconcile("periodic check")
                        next_check = loop.time() + self.t.check
            except DOWN as exc:
                self._set_available(False, exc)
                await asyncio.sleep(self.t.retry)
            finally:
                with contextlib.suppress(*DOWN, RuntimeError):
                    await pubsub.aclose()

    def _set_available(self, up: bool, exc: BaseException | None = None) -> None:
        if up and not self.available:
            log.info("Redis reachable: sharing state with the fleet as %s", self.name)
        elif not up and self.available:
            log.warning("Redis unreachable (%s): answering on, with local cooldowns; "
                        "reloads stay local until it returns", _why(exc))
        self.available = up

    async def _renew_and_check_in(self) -> None:
        ms = int(self.t.lease * 1000)
        lost = await self._renew(keys=self._leases, args=[self.name, ms])
        for key, holder in zip(lost[::2], lost[1::2], strict=True):
            message = f"lost lease {key} to {holder}: stopping so the shard is not served twice"
            log.error(message)
            self.on_lease_lost(message)
        await self._check_in()

    async def _check_in(self) -> None:
        """What `!kbinfo` shows of this process: it lives as long as a lease."""
        ms = int(self.t.lease * 1000)
        member = Member(self.name, self.shards, self._serving(), self.generation, time.time())
        await self._redis.set(self._key("member", self.name), json.dumps(_as_dict(member)), px=ms)

    # --- versions -------------------------------------------------------------------

    async def current(self) -> tuple[int, str]:
        value = await self._redis.hgetall(self._key("current"))
        return int(value.get("generation", 0)), value.get("version", "")

    async def reconcile(self, reason: str) -> None:
        """Serve the current version, whatever the pub/sub notices that were missed.
        A reload made while Redis was away is shared first, unless a newer generation
        overtook it; an empty Redis (a fresh one, or one that lost its data) gets ours."""
        async with self._sync:
            self.last_check = time.time()
            generation, version = await self.current()
            if self._pending is not None:
                pending_version, data = self._pending
                self._pending = None
                if generation == self.generation:
                    new = await self._publish(data, pending_version, expected=generation)
                    if new is not None:
                        log.info("%s: shared the reload made while Redis was unreachable: "
                                 "generation %d, version %s", reason, new, pending_version[:10])
                        return
                    generation, version = await self.current()
                log.warning("%s: generation %d (version %s) overtook the local-only reload of "
                            "version %s: serving it", reason, generation, version[:10],
                            pending_version[:10])
            if generation < self.generation or not version:
                await self._seed(reason)
                return
            if generation > self.generation and generation != self._refused:
                await self._apply(generation, version, reason)

    async def _seed(self, reason: str) -> None:
        """No current version in Redis, or an older one than ours: publish what we serve."""
        mine = self._serving()
        try:
            data = await asyncio.to_thread(make_bundle, self._local_root, mine)
        except (BundleError, OSError) as exc:
            log.warning("%s: cannot share version %s: %s", reason, mine[:10], exc)
            return
        generation, _ = await self.current()
        new = await self._publish(data, mine, expected=generation,
                                  new=max(self.generation, generation + 1))
        if new is not None:
            log.info("%s: the fleet had no newer version: published ours, generation %d, "
                     "version %s", reason, new, mine[:10])

    async def _publish(self, data: bytes, version: str, *, expected: int,
                       new: int | None = None) -> int | None:
        """Store the bundle, then move the current key forward from `expected`; the new
        generation, or None if another process moved it first."""
        await self._blobs.set(self._key("bundle", version), data)
        new = expected + 1 if new is None else new
        moved, generation, _ = await self._advance(keys=[self._key("current")],
                                                   args=[expected, version, new])
        if not moved:
            return None
        self.generation = int(generation)
        await self._redis.publish(self._key("reload"), json.dumps(
            {"generation": self.generation, "version": version, "by": self.name}))
        return self.generation

    async def _on_notice(self, data: str) -> None:
        try:
            notice = json.loads(data)
            generation, version = int(notice["generation"]), str(notice["version"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed reload notice")
            return
        try:
            async with self._sync:
                if generation > self.generation:
                    await self._apply(generation, version, f"notice from {notice.get('by')}")
        except DOWN as exc:
            self._set_available(False, exc)

    async def _apply(self, generation: int, version: str, reason: str) -> None:
        """Fetch, check, build off the event loop, swap; on any failure keep the engine we
        have, and say so in the acknowledgement."""
        problem = ""
        if version != self._serving():
            data = await self._blobs.get(self._key("bundle", version))
            try:
                if data is None:
                    raise BundleError(f"bundle {version[:10]} is missing from Redis")
                files = await asyncio.to_thread(open_bundle, data, version)
                await asyncio.to_thread(write_tree, files, self._mirror.root)
                problems = await self._install(self._mirror)
                problem = f"{len(problems)} problem(s): {problems[0]}" if problems else ""
            except (BundleError, OSError) as exc:
                problem = str(exc)
        if problem:
            self._refused = generation
            log.error("%s: version %s refused, still serving %s: %s", reason, version[:10],
                      self._serving()[:10], problem)
        else:
            self.generation = generation
            log.info("%s: now serving generation %d, version %s", reason, generation, version[:10])
        await self._ack(generation, problem)
        await self._check_in()

    async def _ack(self, generation: int, problem: str) -> None:
        key = self._key("acks", generation)
        entry = {"name": self.name, "shards": list(self.shards), "version": self._serving(),
                 "error": problem}
        await self._redis.rpush(key, json.dumps(entry))
        await self._redis.expire(key, 300)

    async def share(self, version: str) -> ReloadReport:
        """After a local reload to `version`: make every process serve it, and say which did."""
        try:
            data = await asyncio.to_thread(make_bundle, self._local_root, version)
        except (BundleError, OSError) as exc:
            report = ReloadReport(version, wait=self.t.ack_wait)
            report.failed.append((self.name, f"not shared: {exc}"))
            return report
        if not self.available:
            self._pending = (version, data)
            return ReloadReport(version, local_only=True)
        try:
            async with self._sync:
                expecting = {m.name: m for m in await self.members()}
                for _ in range(10):
                    generation, _ = await self.current()
                    new = await self._publish(data, version, expected=generation)
                    if new is not None:
                        break
                else:
                    raise RedisError("the current version kept moving")
                await self._ack(new, "")
                await self._check_in()
            return await self._collect(new, version, expecting)
        except DOWN as exc:
            self._set_available(False, exc)
            self._pending = (version, data)
            return ReloadReport(version, local_only=True)

    async def _collect(self, generation: int, version: str, expecting: dict[str, Member]
                       ) -> ReloadReport:
        report = ReloadReport(version, wait=self.t.ack_wait)
        expecting.setdefault(self.name, Member(self.name, self.shards, version, generation, 0))
        deadline = asyncio.get_running_loop().time() + self.t.ack_wait
        acks: dict[str, dict] = {}
        while True:
            for raw in await self._redis.lrange(self._key("acks", generation), 0, -1):
                entry = json.loads(raw)
                acks[entry["name"]] = entry
                expecting.setdefault(entry["name"], Member(entry["name"], tuple(entry["shards"]),
                                                           entry["version"], generation, 0))
            if expecting.keys() <= acks.keys() or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.05)
        for name, member in sorted(expecting.items()):
            entry = acks.get(name)
            if entry is None:
                report.missing.append(f"{name} (shards {shard_ranges(member.shards)})")
            elif entry["error"]:
                report.failed.append((name, entry["error"]))
            else:
                report.confirmed.append(name)
        return report

    # --- the rest of what processes share ---------------------------------------------

    async def status(self) -> FleetStatus | None:
        """The fleet as `!kbinfo` shows it; None while Redis cannot say."""
        if not self.available:
            return None
        try:
            generation, version = await self.current()
            return FleetStatus(generation, version, await self.members())
        except DOWN as exc:
            self._set_available(False, exc)
            return None

    async def members(self) -> list[Member]:
        keys = [k async for k in self._redis.scan_iter(match=self._key("member", "*"), count=500)]
        values = await self._redis.mget(keys) if keys else []
        members = []
        for raw in values:
            if raw is None:
                continue  # expired between SCAN and MGET
            d = json.loads(raw)
            members.append(Member(d["name"], tuple(d["shards"]), d["version"], d["generation"],
                                  d["checked_in"]))
        return sorted(members, key=lambda m: (m.shards[:1], m.name))

    async def pace_identify(self, shard_id: int, max_concurrency: int) -> bool:
        """Wait for this shard's max_concurrency bucket: one IDENTIFY per bucket per window,
        across every process. False when Redis cannot say (the caller paces locally)."""
        key = self._key("identify", shard_id % max(max_concurrency, 1))
        window = int(self.t.identify_window * 1000)
        try:
            while not await self._redis.set(key, f"{self.name}/{shard_id}", nx=True, px=window):
                await asyncio.sleep(max(await self._redis.pttl(key), 20) / 1000)
        except DOWN:
            return False
        return True

    async def hit(self, user_id: int, rate: int, per: float) -> tuple[float | None, bool] | None:
        """One use of a user's cooldown, fleet-wide, in one atomic step: (seconds to wait
        or None, whether this refusal is the window's one notice). None: Redis cannot
        answer now, use the local cooldown."""
        if not self.available:
            return None
        try:
            ms, warn = await asyncio.wait_for(
                self._cooldown(keys=[self._key("cd", user_id), self._key("cdn", user_id)],
                               args=[rate, int(per * 1000)]), self.t.op_timeout * 2)
        except DOWN as exc:
            self._set_available(False, exc)
            return None
        return (ms / 1000 if ms else None), bool(warn)


def _as_dict(member: Member) -> dict:
    return {"name": member.name, "shards": list(member.shards), "version": member.version,
            "generation": member.generation, "checked_in": member.checked_in}


def shard_ranges(ids: tuple[int, ...]) -> str:
    """(0, 1, 2, 5) -> '0-2,5'"""
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _why(exc: BaseException | None) -> str:
    return (str(exc) or type(exc).__name__) if exc is not None else "unknown"
