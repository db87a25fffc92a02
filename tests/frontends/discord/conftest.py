"""The real bot from bot/, started as in production, against the loopback stub."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest_asyncio

from bot.frontends.discord.client import RaceBot
from bot.frontends.discord.runner import build_bot
from bot.shared.settings import Settings
from tests.discord_stub import DiscordStub
from tests.paths import FT_BASE

BOT_ID = 900000000000000001
OWNER_ID = 900000000000000002
USER_ID = 900000000000000003
OTHER_ID = 900000000000000005
MAINTAINER_ID = 900000000000000006
MAINTAINER_ROLE = 910000000000000009
GUILD_ID = 910000000000000001
CHANNEL_ID = 910000000000000002
DM_CHANNEL_ID = 910000000000000004


@dataclass
class World:
    stub: DiscordStub
    bot: RaceBot
    knowledge: Path

    async def say(self, content: str, *, author: int = USER_ID, channel: int = CHANNEL_ID,
                  **kwargs) -> dict:
        """Post as a user and return the bot's first reply in that channel."""
        await self.stub.send_message(channel_id=channel, author_id=author, content=content, **kwargs)
        return await self.stub.wait_for_message(channel, timeout=5)


@pytest_asyncio.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FT_BASE, knowledge)
    settings = Settings(_env_file=None, discord_token=None, knowledge_dir=knowledge,
                        maintainer_user_ids=frozenset({MAINTAINER_ID}),
                        maintainer_role_ids=frozenset({MAINTAINER_ROLE}),
                        query_log=str(tmp_path / "queries.sqlite3"))
    stub = DiscordStub(bot_user_id=BOT_ID, owner_id=OWNER_ID)
    await stub.start()
    stub.add_guild(GUILD_ID, channels=[CHANNEL_ID],
                   members=[USER_ID, OTHER_ID, MAINTAINER_ID],
                   roles=[MAINTAINER_ROLE], member_roles={OTHER_ID: [MAINTAINER_ROLE]})
    stub.add_dm_channel(DM_CHANNEL_ID, USER_ID)
    try:
        async with stub.running_bot(build_bot(settings)) as bot:
            yield World(stub, bot, knowledge)
        assert stub.handler_errors == []
    finally:
        await stub.close()
