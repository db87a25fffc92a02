"""The fleet's shared state on a real Redis, several Fleet instances standing for several
processes (one of them a real process, killed as a crash)."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
import redis.asyncio as aioredis

from bot.services.fleet import Fleet, LeaseRefused
from bot.services.fleet.bundle import make_bundle, open_bundle
from tests.fleet.hosts import FAST, Host, new_prefix
from tests.knowledge.fixtures import FACTS, write_base
from tests.paths import ROOT
from tests.servers.redis import RedisServer

EXTRA = FACTS + """\
  - id: release.acme-two
    subject: acme
    category: release
    statement: Acme put out a second model.
    when: {date: "2025-03-25"}
    cite: {source: src-a, paragraph: 2}
    nature: reported
"""


@pytest_asyncio.fixture
async def fleets() -> AsyncIterator[list[Fleet]]:
    """Fleets a test starts, closed at the end whatever happened."""
    started: list[Fleet] = []
    yield started
    for fleet in started:
        await fleet.close()


async def until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


def hosts(tmp_path: Path, n: int) -> list[Host]:
    """n processes, each with its own copy of the files, as on n machines."""
    return [Host(write_base(tmp_path / f"machine{i}")) for i in range(n)]


async def test_bundle_round_trip_and_hash_check(tmp_path: Path) -> None:
    host = hosts(tmp_path, 1)[0]
    data = make_bundle(host.loader.root, host.serving())
    files = open_bundle(data, host.serving())
    assert set(files) == {"sources.yaml", "entities.yaml", "facts/main.yaml"}
    with pytest.raises(Exception, match="holds version"):
        open_bundle(data, "0" * 64)


async def test_a_held_shard_is_refused_and_a_crashed_holders_lease_expires(
        tmp_path: Path, redis_server: RedisServer, fleets: list[Fleet]) -> None:
    prefix = new_prefix()
    knowledge = write_base(tmp_path / "child")
    child = subprocess.Popen([sys.executable, "-m", "tests.fleet.lease_child", redis_server.url,
                              prefix, str(knowledge), "crashing", "1"], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        second = hosts(tmp_path, 1)[0].fleet(redis_server.url, prefix, (0, 1), "second")
        await asyncio.sleep(FAST.lease * 1.5)  # the live holder renews past its lease time
        with pytest.raises(LeaseRefused, match=r"Shard 1 of 3 is already run by crashing"):
            await second.start()
        await second.close()
        child.kill()  # a crash: no release
        child.wait(10)
        third = hosts(tmp_path / "3", 1)[0].fleet(redis_server.url, prefix, (0, 1), "third")
        with pytest.raises(LeaseRefused):
            await third.start()  # not yet: the lease outlives the crash a little
        await third.close()
        await asyncio.sleep(FAST.lease + 0.2)
        fourth = hosts(tmp_path / "4", 1)[0].fleet(redis_server.url, prefix, (0, 1), "fourth")
        await fourth.start()
        fleets.append(fourth)
        assert [m.name for m in await fourth.members()] == ["fourth"]
    finally:
        child.kill()
        child.wait(10)


async def test_a_reload_reaches_every_process_which_serve_the_reloaders_files(
        tmp_path: Path, redis_server: RedisServer, fleets: list[Fleet]) -> None:
    prefix = new_prefix()
    a, b, c = hosts(tmp_path, 3)
    # machine c holds other files: the fleet's version wins over them at start
    (c.loader.root / "facts" / "main.yaml").write_text(EXTRA)
    c.kb = c.loader.load()
    assert c.serving() != a.serving()
    for host, shard in ((a, 0), (b, 1), (c, 2)):
        fleets.append(host.fleet(redis_server.url, prefix, (shard,), f"p{shard}"))
        await fleets[-1].start()
    assert {h.serving() for h in (a, b, c)} == {a.serving()}
    assert "release.acme-two" not in c.kb.facts

    (a.loader.root / "facts" / "main.yaml").write_text(EXTRA)
    version = await a.reload()
    report = await fleets[0].share(version)
    assert report.line() == f"3/3 processes on version {version[:10]}"
    assert {h.serving() for h in (a, b, c)} == {version}
    assert "release.acme-two" in b.kb.facts  # b's own files never had it
    assert {m.version for m in await fleets[1].members()} == {version}
    assert (await fleets[2].current()) == (fleets[0].generation, version)


async def test_a_bundle_that_does_not_check_out_is_refused_and_reported(
        tmp_path: Path, redis_server: RedisServer, fleets: list[Fleet]) -> None:
    prefix = new_prefix()
    a, b = hosts(tmp_path, 2)
    for host, shard in ((a, 0), (b, 1)):
        fleets.append(host.fleet(redis_server.url, prefix, (shard,), f"p{shard}"))
        await fleets[-1].start()
    before = b.serving()
    client = aioredis.Redis.from_url(redis_server.url)
    fake = "f" * 64
    await client.set(f"{prefix}:bundle:{fake}", make_bundle(a.loader.root, a.serving()))
    generation = fleets[0].generation + 1
    await client.hset(f"{prefix}:current", mapping={"generation": generation, "version": fake})
    await client.publish(f"{prefix}:reload", json.dumps({"generation": generation, "version": fake}))
    await until(lambda: fleets[1]._refused == generation)
    acks = [json.loads(x) for x in await client.lrange(f"{prefix}:acks:{generation}", 0, -1)]
    assert {x["name"] for x in acks} == {"p0", "p1"}
    assert all(f"not {fake[:10]}" in x["error"] and x["version"] == before for x in acks)
    assert b.serving() == before
    await client.aclose()


async def test_a_users_burst_is_limited_once_across_processes(
        tmp_path: Path, redis_server: RedisServer, fleets: list[Fleet]) -> None:
    prefix = new_prefix()
    for host, shard in zip(hosts(tmp_path, 2), (0, 1), strict=True):
        fleets.append(host.fleet(redis_server.url, prefix, (shard,), f"p{shard}"))
        await fleets[-1].start()
    verdicts = [await fleets[i % 2].hit(42, 4, 8.0) for i in range(7)]
    assert [v[0] is None for v in verdicts] == [True] * 4 + [False] * 3
    assert [v[1] for v in verdicts[4:]] == [True, False, False]  # one notice per window
    assert 0 < verdicts[4][0] <= 8.0
    assert (await fleets[1].hit(43, 4, 8.0))[0] is None  # another user is not held up


async def test_identifies_in_one_bucket_are_paced_across_processes(
        tmp_path: Path, redis_server: RedisServer, fleets: list[Fleet]) -> None:
    prefix = new_prefix()
    a, b = hosts(tmp_path, 2)
    fleets += [a.fleet(redis_server.url, prefix, (0,), "p0"),
               b.fleet(redis_server.url, prefix, (2,), "p2")]
    for fleet in fleets:
        await fleet.start()
    times: list[float] = []

    async def identify(fleet: Fleet, shard: int) -> None:
        assert await fleet.pace_identify(shard, max_concurrency=2)
        times.append(time.monotonic())

    await asyncio.gather(identify(fleets[0], 0), identify(fleets[1], 2))  # both bucket 0
    assert abs(times[1] - times[0]) >= FAST.identify_window * 0.9


async def test_redis_down_then_back(tmp_path: Path, redis_server: RedisServer, fleets: list[Fleet],
                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.services.fleet")
    prefix = new_prefix()
    a, b = hosts(tmp_path, 2)
    for host, shard in ((a, 0), (b, 1)):
        fleets.append(host.fleet(redis_server.url, prefix, (shard,), f"p{shard}"))
        await fleets[-1].start()
    first = a.serving()

    redis_server.kill()
    assert await fleets[0].hit(7, 4, 8.0) is None  # the caller answers with local cooldowns
    assert not fleets[0].available
    (a.loader.root / "facts" / "main.yaml").write_text(EXTRA)
    version = await a.reload()
    report = await fleets[0].share(version)
    assert report.line() == "local only: Redis unreachable"
    assert b.serving() == first  # b did not hear of it

    redis_server.start()
    await until(lambda: b.serving() == version)
    await until(lambda: all(f.available for f in fleets))
    assert await fleets[1].current() == (fleets[0].generation, version)
    assert "shared the reload made while Redis was unreachable" in caplog.text
    assert "now serving generation" in caplog.text


async def test_a_reload_names_the_processes_that_did_not_confirm(
        tmp_path: Path, redis_server: RedisServer, fleets: list[Fleet]) -> None:
    prefix = new_prefix()
    a = hosts(tmp_path, 1)[0]
    fleets.append(a.fleet(redis_server.url, prefix, (0,), "p0"))
    await fleets[0].start()
    knowledge = write_base(tmp_path / "frozen")
    child = subprocess.Popen([sys.executable, "-m", "tests.fleet.lease_child", redis_server.url,
                              prefix, str(knowledge), "frozen", "1", "2"], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        child.send_signal(signal.SIGSTOP)  # alive and checked in, but not answering
        (a.loader.root / "facts" / "main.yaml").write_text(EXTRA)
        version = await a.reload()
        report = await fleets[0].share(version)
        assert report.line() == (f"1/2 processes on version {version[:10]}; no confirmation "
                                 f"within {FAST.ack_wait:.0f} s from frozen (shards 1-2)")
    finally:
        child.kill()
        child.wait(10)


async def test_a_frozen_redis_does_not_hold_answers(
        tmp_path: Path, redis_server: RedisServer, fleets: list[Fleet]) -> None:
    fleets.append(hosts(tmp_path, 1)[0].fleet(redis_server.url, new_prefix(), (0,), "p0"))
    await fleets[0].start()
    assert (await fleets[0].hit(1, 4, 8.0)) == (None, False)
    assert redis_server.process is not None
    redis_server.process.send_signal(signal.SIGSTOP)  # up, but answering nothing
    try:
        assert await fleets[0].hit(1, 4, 8.0) is None  # timed out: local cooldowns
        assert not fleets[0].available  # so the next questions do not wait at all
        assert await fleets[0].status() is None
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    await until(lambda: fleets[0].available)
    assert (await fleets[0].hit(1, 4, 8.0))[0] is None
