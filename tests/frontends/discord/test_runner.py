"""The production start path: `python -m bot run` minus the real Discord."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal

import discord
import yarl

from bot.frontends.discord.runner import serve
from bot.shared.settings import Settings
from tests.discord_stub import DiscordStub
from tests.frontends.discord.conftest import BOT_ID, DM_CHANNEL_ID, OWNER_ID, USER_ID
from tests.paths import FT_BASE

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
