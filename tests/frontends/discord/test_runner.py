"""The production start path: `python -m bot run` minus the real Discord."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import socket
import sys
from pathlib import Path

import discord
import pytest
import yarl

from bot.frontends.discord.runner import serve
from bot.shared.settings import Settings
from tests.discord_stub import DiscordStub
from tests.frontends.discord.conftest import BOT_ID, DM_CHANNEL_ID, OWNER_ID, USER_ID
from tests.paths import FT_BASE, ROOT

MESSAGE_CONTENT = 1 << 15


async def test_refused_intent_is_explained_and_the_bot_carries_on(tmp_path, monkeypatch,
                                                                  caplog) -> None:
    shutil.copytree(FT_BASE, tmp_path / "knowledge")
    settings = Settings(_env_file=None, discord_token="stub-token",
                        knowledge_dir=tmp_path / "knowledge", query_log="off")
    async with DiscordStub(bot_user_id=BOT_ID, owner_id=OWNER_ID) as stub:
        stub.refused_intents = MESSAGE_CONTENT
        stub.add_dm_channel(DM_CHANNEL_ID, USER_ID)
        monkeypatch.setattr(discord.http.Route, "BASE", stub.api_url)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                            yarl.URL(stub.gateway_url))
        caplog.set_level(logging.ERROR, logger="bot")
        task = asyncio.create_task(serve(settings, None))
        await stub.send_message(channel_id=DM_CHANNEL_ID, author_id=USER_ID,
                                content="about deepseek", timeout=15)
        reply = await stub.wait_for_message(DM_CHANNEL_ID, timeout=10)
        assert reply["embeds"][0]["title"] == "DeepSeek (深度求索)"
        assert "Message Content Intent" in caplog.text
        assert stub.identifies == 2
        assert not stub.identify_payloads[-1]["intents"] & MESSAGE_CONTENT

        os.kill(os.getpid(), signal.SIGTERM)  # clean shutdown, as in production
        await asyncio.wait_for(task, 10)
        assert "stub-token" not in caplog.text


TOKEN = "MTIzNDU2.stub-only.secret-token-value"


def closed_port() -> int:
    """A loopback port nothing listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def start_in_a_subprocess(api_url: str, gateway_url: str, cwd: Path) -> tuple[int, str]:
    """`python -m bot run` against the given endpoints; its exit code and everything it printed.
    The cwd has no .env, so only the environment given here counts."""
    env = {**os.environ, "DISCORD_TOKEN": TOKEN, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "INFO",
           "KNOWLEDGE_DIR": str(FT_BASE), "QUERY_LOG": "off", "SHARD_COUNT": ""}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.frontends.discord.start_child", api_url, gateway_url,
        cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, (out + err).decode()


EXPECTED = {
    "refused": ("Cannot connect to 127.0.0.1", "Connection refused"),
    "dns": ("Cannot resolve nonexistent.invalid", "DNS"),
    "tls": ("TLS connection to 127.0.0.1 failed",),
    "401": ("Discord rejected the token", "HTTP 401", "DISCORD_TOKEN"),
    "4004": ("Discord rejected the token", "close code 4004", "DISCORD_TOKEN"),
}


@pytest.mark.parametrize("case", EXPECTED)
async def test_a_start_that_cannot_get_through_says_why_in_one_line(case: str,
                                                                   tmp_path: Path) -> None:
    async with DiscordStub(bot_user_id=BOT_ID, owner_id=OWNER_ID) as stub:
        api, gateway = stub.api_url, stub.gateway_url
        if case == "refused":
            api = f"http://127.0.0.1:{closed_port()}/api/v10"
        elif case == "dns":
            api = "http://nonexistent.invalid/api/v10"
        elif case == "tls":  # the stub speaks plain HTTP: the handshake fails
            api = api.replace("http://", "https://")
        elif case == "401":
            stub.fail_next("GET", "/users/@me", status=401)
        else:
            stub.identify_close_code = 4004
        code, output = await start_in_a_subprocess(api, gateway, tmp_path)
    assert code != 0
    assert "Traceback" not in output
    assert TOKEN not in output
    (line,) = [line for line in output.splitlines() if "ERROR" in line]
    for words in EXPECTED[case]:
        assert words in line
    assert "python -m bot console" in line and "make console" in line
