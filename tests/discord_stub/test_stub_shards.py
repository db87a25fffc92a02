"""The stub as Discord is for a sharded bot: one session per shard, several at once, guild
events on shard (guild_id >> 22) % N, DMs on shard 0, /gateway/bot saying how many."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
import discord
from discord.ext import commands

from tests.discord_stub import DiscordStub
from tests.discord_stub.gateway import guild_on

BOT_ID, OWNER_ID, USER_ID = 900000000000000001, 900000000000000002, 900000000000000003
DM_CHANNEL_ID = 910000000000000004


def shard_bot(shard: int, count: int, seen: list[tuple[int, int | None]]) -> commands.AutoShardedBot:
    intents = discord.Intents.default()
    intents.message_content = True
    bot = commands.AutoShardedBot(command_prefix="!", intents=intents, shard_count=count,
                                  shard_ids=[shard], help_command=None)

    @bot.event
    async def on_message(message: discord.Message) -> None:
        seen.append((shard, message.guild.id if message.guild else None))

    return bot


async def test_two_processes_each_get_their_shards_events() -> None:
    count = 2
    guilds = [guild_on(0, count, 910000000000000001), guild_on(1, count, 910000000000000001)]
    seen: list[tuple[int, int | None]] = []
    async with DiscordStub(bot_user_id=BOT_ID, owner_id=OWNER_ID) as stub:
        stub.shard_count, stub.max_concurrency = count, 16
        for n, gid in enumerate(guilds):
            stub.add_guild(gid, channels=[gid + 1], members=[USER_ID])
            assert stub.shard_of({"guild_id": gid}) == n
        stub.add_dm_channel(DM_CHANNEL_ID, USER_ID)
        async with contextlib.AsyncExitStack() as stack:
            bots = [await stack.enter_async_context(stub.running_bot(shard_bot(k, count, seen)))
                    for k in range(count)]
            assert [sorted(g.id for g in b.guilds) for b in bots] == [[guilds[0]], [guilds[1]]]
            assert {k: s.shard_count for k, s in stub.sessions.items()} == {0: 2, 1: 2}
            for gid in guilds:
                await stub.send_message(channel_id=gid + 1, author_id=USER_ID, content="hi")
            await stub.send_message(channel_id=DM_CHANNEL_ID, author_id=USER_ID, content="hi")
            for _ in range(100):
                if len(seen) == 3:
                    break
                await asyncio.sleep(0.02)
            assert sorted(seen, key=str) == sorted([(0, guilds[0]), (1, guilds[1]), (0, None)],
                                                   key=str)
            async with aiohttp.ClientSession() as http, \
                    http.get(f"{stub.api_url}/gateway/bot") as resp:
                body = await resp.json()
            assert body["shards"] == 2 and body["session_start_limit"]["max_concurrency"] == 16
