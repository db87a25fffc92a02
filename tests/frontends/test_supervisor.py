"""`python -m bot cluster`: N processes on disjoint shards with one Redis of their own, a
crashed one started again, all stopped by SIGTERM; run for real against the loopback stub."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.frontends.supervisor import split_shards
from tests.discord_stub import DiscordStub
from tests.discord_stub.gateway import guild_on
from tests.frontends.discord.conftest import BOT_ID, OWNER_ID, USER_ID
from tests.paths import FT_BASE, ROOT
from tests.servers.redis import redis_server_binary


def test_shards_are_split_into_disjoint_ranges_that_cover_all() -> None:
    assert split_shards(10, 3) == [(0, 1, 2, 3), (4, 5, 6), (7, 8, 9)]
    assert split_shards(3, 3) == [(0,), (1,), (2,)]
    with pytest.raises(ValueError, match="from 1 to the shard count"):
        split_shards(2, 3)


async def until(condition, what: str, log: Path, timeout: float = 40.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"timed out waiting for {what}:\n{log.read_text()[-4000:]}"
        await asyncio.sleep(0.1)


async def test_cluster_restarts_a_crashed_process_and_stops_cleanly(tmp_path: Path) -> None:
    if redis_server_binary() is None:
        pytest.skip("redis-server is not installed: `make test` installs it as root")
    shutil.copytree(FT_BASE, tmp_path / "knowledge")
    guilds = [guild_on(k, 3, 910000000000000001) for k in range(3)]
    async with DiscordStub(bot_user_id=BOT_ID, owner_id=OWNER_ID) as stub:
        stub.shard_count = 3
        for guild in guilds:
            stub.add_guild(guild, channels=[guild + 1], members=[USER_ID])
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SHARD_IDS")}
        env.update(DISCORD_TOKEN="stub-token", KNOWLEDGE_DIR=str(tmp_path / "knowledge"),
                   QUERY_LOG="off")
        child = f"{sys.executable} -m tests.frontends.discord.fleet_child {stub.api_url} {stub.gateway_url}"
        log = tmp_path / "cluster.log"
        cluster = subprocess.Popen(
            [sys.executable, "-m", "bot", "cluster", "--processes", "3", "--shard-count", "3",
             "--child", child], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        try:
            await until(lambda: stub.live_shards == {0, 1, 2}, "three shards online", log)
            port = int(re.search(r"local redis-server at redis://127.0.0.1:(\d+)", log.read_text())[1])
            for guild in guilds:
                await stub.send_message(channel_id=guild + 1, author_id=USER_ID, content="!about qwen")
                assert (await stub.wait_for_message(guild + 1, timeout=10))["embeds"]

            pid = int(re.search(r"started shards 1 of 3: pid (\d+)", log.read_text())[1])
            crashed = stub.sessions[1].session_id
            os.kill(pid, signal.SIGKILL)
            await until(lambda: "exited with code -9" in log.read_text(), "the crash noticed", log)
            # started again (refused, and started again, while the dead lease lasts if the
            # restart came first): a new session on shard 1
            await until(lambda: stub.sessions[1].session_id != crashed and 1 in stub.live_shards,
                        "shard 1 back", log)
            assert len(re.findall("started shards 1 of 3", log.read_text())) >= 2
            await stub.send_message(channel_id=guilds[1] + 1, author_id=OTHER, content="!about qwen")
            assert (await stub.wait_for_message(guilds[1] + 1, timeout=10))["embeds"]

            cluster.send_signal(signal.SIGTERM)
            await until(lambda: cluster.poll() is not None, "the cluster to stop", log)
            assert cluster.returncode == 0
            assert "all 3 processes stopped" in log.read_text()
            with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                pass  # its redis-server went with it
        finally:
            if cluster.poll() is None:
                cluster.kill()
                cluster.wait(10)


OTHER = 900000000000000021
