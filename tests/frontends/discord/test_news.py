"""End to end: /news subscriptions and the news posted after a reload, through the stub."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.frontends.discord.runner import build_bot
from bot.services.subscriptions import MAX_FAILURES
from bot.shared.settings import Settings
from tests.discord_stub import FLAG_EPHEMERAL, DiscordStub
from tests.discord_stub.payloads import SEND_MESSAGES
from tests.frontends.discord.conftest import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    MAINTAINER_ID,
    OWNER_ID,
    USER_ID,
    World,
)
from tests.paths import FT_BASE

NEWS = 910000000000000011
TENCENT_NEWS = 910000000000000012
ADMIN_ID = 900000000000000011
ADMIN_ROLE = 910000000000000019
MANAGE_GUILD = 1 << 5

NEW_FACT = """
  - id: release.deepseek-{n}
    subject: deepseek
    category: release
    statement: DeepSeek put out test model number {n}.
    when: {{date: "2025-03-2{n}"}}
    cite: {{source: ft-2025-china-ai-race-tension, paragraph: 2}}
    nature: reported
"""


@pytest_asyncio.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FT_BASE, knowledge)
    settings = Settings(_env_file=None, discord_token=None, knowledge_dir=knowledge,
                        maintainer_user_ids=frozenset({MAINTAINER_ID}),
                        query_log=str(tmp_path / "queries.sqlite3"))
    stub = DiscordStub(bot_user_id=BOT_ID, owner_id=OWNER_ID)
    await stub.start()
    stub.add_guild(GUILD_ID, channels=[CHANNEL_ID, NEWS, TENCENT_NEWS],
                   members=[USER_ID, ADMIN_ID, MAINTAINER_ID], roles=[ADMIN_ROLE],
                   role_permissions={ADMIN_ROLE: MANAGE_GUILD},
                   member_roles={ADMIN_ID: [ADMIN_ROLE]})
    stub.add_dm_channel(DM_CHANNEL_ID, ADMIN_ID)
    try:
        async with stub.running_bot(build_bot(settings)) as bot:
            yield World(stub, bot, knowledge)
        assert stub.handler_errors == []
    finally:
        await stub.close()


async def news(world: World, sub: str, user: int = ADMIN_ID, **options) -> dict:
    """Run /news <sub> and return the (ephemeral) reply's data."""
    opts = [{"name": k, "type": 7 if k == "channel" else 3, "value": str(v)}
            for k, v in options.items()]
    interaction = await world.stub.send_slash(
        "news", [{"name": sub, "type": 1, "options": opts}], user_id=user,
        channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    response = await world.stub.wait_for_interaction_response(interaction)
    assert response["data"]["flags"] & FLAG_EPHEMERAL
    return response["data"]


def add_fact(world: World, n: int) -> None:
    releases = world.knowledge / "facts" / "releases.yaml"
    releases.write_text(releases.read_text() + NEW_FACT.format(n=n))


async def reload(world: World) -> None:
    reply = await world.say("!reload", author=MAINTAINER_ID)
    assert reply["embeds"][0]["title"].startswith("Reloaded")
    await asyncio.sleep(0.3)  # the news is posted after the reply, by the listener


def posts(world: World, channel: int) -> list[dict]:
    """What the bot posted for everyone to see (the /news replies are ephemeral)."""
    return [m for m in world.stub.messages_in(channel) if not m["flags"] & FLAG_EPHEMERAL]


async def test_only_server_managers_subscribe(world: World) -> None:
    refused = await news(world, "subscribe", user=USER_ID, channel=NEWS)
    assert "You need the Manage Server permission" in refused["content"]
    assert "no channel here" in (await news(world, "list", user=ADMIN_ID))["content"].casefold()

    done = await news(world, "subscribe", channel=NEWS)
    assert done["content"].startswith(f"<#{NEWS}> will get the new facts about anything")
    done = await news(world, "subscribe", user=OWNER_ID, channel=TENCENT_NEWS, entities="tencent")
    assert "about Tencent" in done["content"]
    listed = (await news(world, "list"))["content"]
    assert f"<#{NEWS}>: everything" in listed and f"<#{TENCENT_NEWS}>: Tencent" in listed
    unknown = await news(world, "subscribe", channel=NEWS, entities="zorblax")
    assert "I don't know" in unknown["content"]

    assert "no longer" in (await news(world, "unsubscribe", channel=NEWS))["content"]
    assert f"<#{NEWS}>" not in (await news(world, "list"))["content"]
    sync = await world.say("!sync guild", author=OWNER_ID)
    assert sync["content"].startswith("Synced")
    put = next(r for r in world.stub.requests if r.method == "PUT")
    group = next(c for c in put.json if c["name"] == "news")
    assert int(group["default_member_permissions"]) == MANAGE_GUILD
    assert {o["name"] for o in group["options"]} == {"subscribe", "unsubscribe", "list"}


async def test_a_reload_with_a_new_fact_posts_once_where_it_is_news(world: World) -> None:
    await news(world, "subscribe", channel=NEWS)
    await news(world, "subscribe", channel=TENCENT_NEWS, entities="tencent")
    add_fact(world, 1)
    await reload(world)
    (post,) = posts(world, NEWS)
    (embed,) = post["embeds"]
    assert embed["title"] == "New in the fact base"
    (field,) = embed["fields"]
    assert field["name"] == "DeepSeek"
    assert "DeepSeek put out test model number 1. (21 Mar 2025; Financial Times" in field["value"]
    assert posts(world, TENCENT_NEWS) == []  # nothing new about Tencent
    assert len(posts(world, CHANNEL_ID)) == 1  # the reload's own reply only
    body = next(r.json for r in world.stub.requests if r.path.endswith(f"/{NEWS}/messages"))
    assert body["allowed_mentions"]["parse"] == []


async def test_nothing_is_posted_when_nothing_relevant_changed(world: World) -> None:
    await news(world, "subscribe", channel=NEWS)
    await reload(world)  # the same files
    market = world.knowledge / "facts" / "market.yaml"
    market.write_text(market.read_text().replace("keywords: [", "keywords: [stock price, ", 1))
    await reload(world)  # a keyword: the bot's index changes, no reader sees it
    assert posts(world, NEWS) == []


async def test_a_channel_that_refuses_posts_is_dropped(world: World,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    await news(world, "subscribe", channel=NEWS)
    world.stub.fail_next("POST", f"/channels/{NEWS}/messages", status=403, times=MAX_FAILURES)
    caplog.set_level(logging.WARNING, logger="bot.frontends.discord.exts.news")
    for n in range(1, MAX_FAILURES + 1):
        add_fact(world, n)
        await reload(world)
    warnings = [r.getMessage() for r in caplog.records if "cannot post in channel" in r.getMessage()]
    assert len(warnings) == MAX_FAILURES and "dropped" in warnings[-1]
    assert "no channel here" in (await news(world, "list"))["content"].casefold()
    add_fact(world, MAX_FAILURES + 1)
    await reload(world)
    attempts = [r for r in world.stub.requests if r.path.endswith(f"/{NEWS}/messages")]
    assert [r.status for r in attempts] == [403] * MAX_FAILURES  # and no more


async def test_a_channel_the_bot_may_no_longer_post_in(world: World,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    await news(world, "subscribe", channel=NEWS)
    await world.stub.set_overwrite(NEWS, BOT_ID, deny=SEND_MESSAGES)
    refused = await news(world, "subscribe", channel=NEWS)
    assert refused["content"].startswith(f"I can't post in <#{NEWS}>")
    caplog.set_level(logging.WARNING, logger="bot.frontends.discord.exts.news")
    for n in range(1, MAX_FAILURES + 1):
        add_fact(world, n)
        await reload(world)
    assert not [r for r in world.stub.requests if r.path.endswith(f"/{NEWS}/messages")]
    warnings = [r.getMessage() for r in caplog.records if "cannot post in channel" in r.getMessage()]
    assert len(warnings) == MAX_FAILURES and "dropped" in warnings[-1]


async def test_news_is_for_servers(world: World) -> None:
    interaction = await world.stub.send_slash("news", [{"name": "list", "type": 1, "options": []}],
                                              user_id=ADMIN_ID, channel_id=DM_CHANNEL_ID)
    response = await world.stub.wait_for_interaction_response(interaction)
    assert response["data"]["flags"] & FLAG_EPHEMERAL
    assert response["data"]["content"] == "That command works in a server, not in a DM."


async def test_entities_are_completed_one_after_another(world: World) -> None:
    interaction = await world.stub.send_autocomplete("news", [{"name": "subscribe", "type": 1, "options": [
        {"name": "channel", "type": 7, "value": str(NEWS)},
        {"name": "entities", "type": 3, "value": "tencent, deeps", "focused": True}]}],
        user_id=ADMIN_ID, channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    response = await world.stub.wait_for_interaction_response(interaction)
    values = [c["value"] for c in response["data"]["choices"]]
    assert values[:2] == ["tencent, DeepSeek", "tencent, DeepSeek V3"]
    assert all(len(v) <= 100 for v in values) and len(values) <= 25


async def test_a_deleted_channel_is_dropped(world: World, caplog: pytest.LogCaptureFixture) -> None:
    await news(world, "subscribe", channel=NEWS)
    await world.stub.delete_channel(NEWS)
    caplog.set_level(logging.WARNING, logger="bot.frontends.discord.exts.news")
    for n in range(1, MAX_FAILURES + 1):
        add_fact(world, n)
        await reload(world)
    attempts = [r.status for r in world.stub.requests if r.path.endswith(f"/{NEWS}/messages")]
    assert attempts == [404] * MAX_FAILURES  # Discord is asked: the cache may just lack it
    assert "dropped" in [r.getMessage() for r in caplog.records][-1]
    assert "no channel here" in (await news(world, "list"))["content"].casefold()
