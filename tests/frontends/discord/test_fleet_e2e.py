"""Three real bot processes (shards 0, 1 and 2 of 3), each with its own copy of the
knowledge files as on three machines, one loopback Discord stub, one real redis-server:
what users and maintainers see when the fleet works, and when parts of it fail."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio

from tests.discord_stub import FLAG_EPHEMERAL, DiscordStub
from tests.discord_stub.gateway import guild_on
from tests.frontends.discord.conftest import BOT_ID, MAINTAINER_ID, OWNER_ID, USER_ID
from tests.frontends.discord.fleet_child import TIMINGS
from tests.paths import FT_BASE, ROOT
from tests.servers.postgres import postgres_server, postgres_url  # noqa: F401  (fixtures)
from tests.servers.redis import RedisServer

COUNT = 3
GUILDS = [guild_on(k, COUNT, 910000000000000001) for k in range(COUNT)]
CHANNELS = [g + 1 for g in GUILDS]
NEWS_CHANNELS = [g + 2 for g in GUILDS]
ENTITIES = Path("entities.yaml")
ASKERS = 900000000000100000
ORIGINAL, RELOADED, OTHER = "much-improved", "greatly improved", "vastly improved"


@dataclass
class Proc:
    shard: int
    popen: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Cluster:
    stub: DiscordStub
    redis: RedisServer
    root: Path
    query_log: str = "off"
    procs: dict[int, Proc] = field(default_factory=dict)
    spawned: list[Proc] = field(default_factory=list)
    askers: int = 0

    def knowledge(self, shard: int) -> Path:
        """Each process's own files, as on its own machine."""
        path = self.root / f"machine{shard}" / "knowledge"
        if not path.exists():
            shutil.copytree(FT_BASE, path)
        return path

    def edit(self, shard: int, old: str, new: str) -> None:
        path = self.knowledge(shard) / ENTITIES
        path.write_text(path.read_text().replace(old, new))

    def spawn(self, shard: int) -> Proc:
        env = {**os.environ, "DISCORD_TOKEN": "stub-token", "SHARD_COUNT": str(COUNT),
               "SHARD_IDS": str(shard), "REDIS_URL": self.redis.url,
               "KNOWLEDGE_DIR": str(self.knowledge(shard)), "QUERY_LOG": self.query_log,
               "MAINTAINER_USER_IDS": str(MAINTAINER_ID), "LOG_LEVEL": "INFO"}
        log = self.root / f"proc{shard}-{len(self.spawned)}.log"
        popen = subprocess.Popen(
            [sys.executable, "-m", "tests.frontends.discord.fleet_child", self.stub.api_url,
             self.stub.gateway_url], cwd=ROOT, env=env, stdout=log.open("w"),
            stderr=subprocess.STDOUT)
        proc = Proc(shard, popen, log)
        self.spawned.append(proc)
        return proc

    async def start(self, shard: int) -> Proc:
        proc = self.spawn(shard)
        await self.until(lambda: shard in self.stub.live_shards or proc.popen.poll() is not None,
                         what=f"shard {shard} online")
        assert proc.popen.poll() is None, proc.log_text()
        self.procs[shard] = proc
        return proc

    async def exit_code(self, proc: Proc) -> int:
        """Waits without blocking the event loop, which serves the stub the process talks to."""
        await self.until(lambda: proc.popen.poll() is not None, what=f"{proc.log.name} to exit")
        return proc.popen.returncode

    async def until(self, condition, *, what: str, timeout: float = 40.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() > deadline:
                logs = "\n".join(f"--- {p.log.name}\n{p.log_text()[-3000:]}" for p in self.spawned)
                raise AssertionError(f"timed out waiting for {what}\n{logs}")
            await asyncio.sleep(0.05)

    async def say(self, shard: int, content: str, *, author: int = MAINTAINER_ID,
                  timeout: float = 15.0) -> dict:
        """Post in the guild that lives on `shard`; the first reply there."""
        await self.stub.send_message(channel_id=CHANNELS[shard], author_id=author,
                                     content=content, timeout=timeout)
        return await self.stub.wait_for_message(CHANNELS[shard], timeout=timeout)

    async def ask(self, shard: int, content: str) -> dict:
        """The reply's embed, asked by a user of its own each time: the cooldown holds
        fleet-wide, and these are not what a cooldown test counts."""
        self.askers += 1
        return embed(await self.say(shard, content, author=ASKERS + self.askers))

    async def kbinfo(self, shard: int) -> dict:
        return await self.ask(shard, "!kbinfo")

    async def versions(self) -> list[str]:
        """What each process says it serves, from its own `!kbinfo`."""
        return [(await self.kbinfo(k))["title"] for k in range(COUNT)]

    def replies(self, shard: int) -> list[dict]:
        return [m for m in self.stub.messages_in(CHANNELS[shard])
                if int(m["author"]["id"]) == BOT_ID]


def embed(message: dict) -> dict:
    return message["embeds"][0]


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@contextlib.asynccontextmanager
async def running(tmp_path: Path, redis_server: RedisServer,
                  query_log: str = "off") -> AsyncIterator[Cluster]:
    async with DiscordStub(bot_user_id=BOT_ID, owner_id=OWNER_ID) as stub:
        stub.shard_count = COUNT
        for guild, channel, news in zip(GUILDS, CHANNELS, NEWS_CHANNELS, strict=True):
            stub.add_guild(guild, channels=[channel, news], members=[USER_ID, MAINTAINER_ID])
        c = Cluster(stub, redis_server, tmp_path, query_log)
        c.edit(2, ORIGINAL, OTHER)  # machine 2 holds other files than machine 0
        try:
            await c.start(0)  # the first process publishes its files: the fleet's version
            await asyncio.gather(c.start(1), c.start(2))
            yield c
        finally:
            for proc in c.spawned:
                if proc.popen.poll() is None:
                    proc.popen.send_signal(signal.SIGTERM)
            for proc in c.spawned:
                try:
                    proc.popen.wait(15)
                except subprocess.TimeoutExpired:
                    proc.popen.kill()
                    proc.popen.wait(5)


@pytest_asyncio.fixture
async def cluster(tmp_path: Path, redis_server: RedisServer) -> AsyncIterator[Cluster]:
    async with running(tmp_path, redis_server) as c:
        yield c


@pytest_asyncio.fixture
async def shared_cluster(tmp_path: Path, redis_server: RedisServer,
                         request: pytest.FixtureRequest) -> AsyncIterator[Cluster]:
    """The fleet with its query log and news subscriptions in one PostgreSQL."""
    async with running(tmp_path, redis_server, request.getfixturevalue("postgres_url")) as c:
        yield c


async def test_one_fleet_one_version_one_answer_per_question(cluster: Cluster) -> None:
    c = cluster
    # started one after the other, in one max_concurrency bucket: identifies paced fleet-wide
    gaps = [b - a for a, b in zip(c.stub.identified_at, c.stub.identified_at[1:], strict=False)]
    assert all(gap >= TIMINGS.identify_window * 0.9 for gap in gaps), gaps

    # every guild's question is answered once, by the process running its shard; machine 2
    # answers from the fleet's version, not from its own different files
    for k in range(COUNT):
        assert ORIGINAL in (await c.ask(k, "!about deepseek"))["description"]
    await asyncio.sleep(0.5)
    assert [len(c.replies(k)) for k in range(COUNT)] == [1, 1, 1]
    first = await c.versions()
    assert len(set(first)) == 1

    # a reload on process 0 reaches all three, acknowledged
    c.edit(0, ORIGINAL, RELOADED)
    reply = await c.say(0, "!reload", timeout=20)
    version = embed(reply)["title"].removeprefix("Reloaded: version ")
    assert embed(reply)["description"].startswith(f"**3/3 processes on version {version}**")
    assert await c.versions() == [f"Fact base {version}"] * COUNT
    for k in (1, 2):
        assert RELOADED in (await c.ask(k, "!about deepseek"))["description"]
    info = (await c.kbinfo(1))["fields"][0]["value"]
    assert info.count(f"version {version}") == COUNT + 1  # the current key and each process
    assert all(f"shards {k}" in info for k in range(COUNT))

    # a broken file is refused where it was reloaded, and nobody changes version
    (c.knowledge(0) / "facts" / "broken.yaml").write_text("facts:\n  - id: x\n    subject: nobody\n")
    reply = await c.say(0, "!reload")
    assert embed(reply)["title"].startswith("Reload refused")
    assert await c.versions() == [f"Fact base {version}"] * COUNT
    (c.knowledge(0) / "facts" / "broken.yaml").unlink()

    # one user's burst over two guilds on two processes is limited once: 4 answers in the
    # window, then one notice, then silence
    for n in range(6):
        await c.stub.send_message(channel_id=CHANNELS[n % 2], author_id=OTHER_USER,
                                  content="!about qwen")
        if n < 5:
            reply = await c.stub.wait_for_message(CHANNELS[n % 2], timeout=10)
            assert ("Slow down" in reply["content"]) == (n == 4), (n, reply)
    await c.kbinfo(1)  # a later message on the same process: the 6th was handled
    burst = [m for k in (0, 1) for m in c.replies(k) if "Slow down" in m["content"]]
    assert len(burst) == 1

    # a second process for shard 1, while the first lives: refused, in one line
    intruder = c.spawn(1)
    assert await c.exit_code(intruder) == 1
    text = intruder.log_text()
    assert "Shard 1 of 3 is already run by" in text and "Traceback" not in text
    assert "stub-token" not in text


OTHER_USER = 900000000000000011


async def test_redis_down_and_back_and_a_crashed_process(cluster: Cluster) -> None:
    c = cluster
    start = (await c.versions())[0]

    c.redis.kill()
    for k in range(COUNT):  # answers keep flowing
        assert ORIGINAL in (await c.ask(k, "!about deepseek"))["description"]
    c.edit(0, ORIGINAL, RELOADED)
    reply = await c.say(0, "!reload")
    version = embed(reply)["title"].removeprefix("Reloaded: version ")
    assert embed(reply)["description"].startswith("**local only: Redis unreachable**")
    assert await c.versions() == [f"Fact base {version}", start, start]
    assert "Redis unreachable" in (await c.kbinfo(2))["fields"][0]["value"]

    c.redis.start()  # the same data: the append-only file survived the crash
    async def converged() -> bool:
        return await c.versions() == [f"Fact base {version}"] * COUNT
    for _ in range(60):
        if await converged():
            break
        await asyncio.sleep(0.5)
    assert await converged()
    assert "shared the reload made while Redis was unreachable" in c.procs[0].log_text()
    assert "now serving generation" in c.procs[2].log_text()

    # process 1 crashes: a replacement is refused while the dead lease lasts, then takes over
    c.procs[1].popen.kill()
    c.procs[1].popen.wait(10)
    early = c.spawn(1)
    assert await c.exit_code(early) == 1
    assert "Shard 1 of 3 is already run by" in early.log_text()
    await asyncio.sleep(TIMINGS.lease)
    await c.start(1)
    assert RELOADED in (await c.ask(1, "!about deepseek"))["description"]  # it joined on the fleet's version


NEW_FACT = """
  - id: release.deepseek-fleet
    subject: deepseek
    category: release
    statement: DeepSeek put out a model for the fleet test.
    when: {date: "2025-03-29"}
    cite: {source: ft-2025-china-ai-race-tension, paragraph: 2}
    nature: reported
"""


async def test_news_and_the_query_log_shared_by_the_fleet(shared_cluster: Cluster) -> None:
    """Subscribed on process 2, reloaded on process 0, installed by all three: one post in
    the channel; and the maintainers' report of any process counts every process's answers."""
    c = shared_cluster
    interaction = await c.stub.send_slash(
        "news", [{"name": "subscribe", "type": 1, "options": [
            {"name": "channel", "type": 7, "value": str(NEWS_CHANNELS[2])}]}],
        user_id=OWNER_ID, channel_id=CHANNELS[2], guild_id=GUILDS[2], timeout=10)
    response = await c.stub.wait_for_interaction_response(interaction, timeout=10)
    assert response["data"]["content"].startswith(f"<#{NEWS_CHANNELS[2]}> will get")

    releases = c.knowledge(0) / "facts" / "releases.yaml"
    releases.write_text(releases.read_text() + NEW_FACT)
    reply = await c.say(0, "!reload", timeout=20)
    assert embed(reply)["description"].startswith("**3/3 processes on version ")

    def posts() -> list[dict]:
        return [m for m in c.stub.messages_in(NEWS_CHANNELS[2]) if not m["flags"] & FLAG_EPHEMERAL]

    await c.until(lambda: posts(), what="the news post")
    await asyncio.sleep(1.0)  # the other processes have had the reload too
    (post,) = posts()
    assert "DeepSeek put out a model for the fleet test." in str(post["embeds"])

    for k in range(COUNT):
        await c.ask(k, "!ask who is zhipu")
    report = await c.say(1, "!gaps", timeout=20)
    text = report["content"]
    assert "   3  zhipu  e.g. “who is zhipu”" in text, text
