"""Every failure gets an answer through the stub: its own words for each kind of refusal,
an error id for the unexpected, and never an interaction left without a response."""

from __future__ import annotations

import asyncio
import logging
import re
import time

from discord.ext import commands

from tests.discord_stub import DEFAULT_PERMISSIONS, FLAG_EPHEMERAL
from tests.discord_stub.payloads import EMBED_LINKS
from tests.frontends.discord.conftest import CHANNEL_ID, GUILD_ID, USER_ID, World

DEADLINE = 3.0
"""seconds Discord gives a bot to answer an interaction"""
ERROR_ID = re.compile(r"error id `([0-9a-f]{8})`")


def pings_no_one(data: dict) -> bool:
    return data["allowed_mentions"]["parse"] == [] and not data["allowed_mentions"].get("users")


async def test_every_slash_command_of_a_burst_gets_a_response_in_time(world: World) -> None:
    started = time.monotonic()
    interactions = await asyncio.gather(*(
        world.stub.send_slash("about", [{"name": "name", "type": 3, "value": "deepseek"}],
                              user_id=USER_ID, channel_id=CHANNEL_ID, guild_id=GUILD_ID)
        for _ in range(7)))
    responses = [await world.stub.wait_for_interaction_response(i, timeout=DEADLINE)
                 for i in interactions]
    answered = [r for r in responses if r["data"].get("embeds")]
    notices = [r for r in responses if "Slow down" in (r["data"].get("content") or "")]
    assert len(answered) == 4 and len(notices) == 3  # RATE answers, then a notice each
    assert all(r["data"]["flags"] & FLAG_EPHEMERAL and pings_no_one(r["data"]) for r in notices)
    callbacks = [r for r in world.stub.requests if r.path.endswith("/callback")]
    assert len(callbacks) == 7
    assert all(r.time - started < DEADLINE for r in callbacks)


async def test_a_channel_where_the_bot_cannot_embed_gets_its_own_message(world: World) -> None:
    guild, channel = 910000000000000011, 910000000000000012
    world.stub.add_guild(guild, channels=[channel], members=[USER_ID],
                         everyone_permissions=DEFAULT_PERMISSIONS & ~EMBED_LINKS)
    await world.stub.announce_guild(guild)
    reply = await world.say("!about deepseek", channel=channel)
    assert reply["embeds"] == []
    assert "I need the Embed Links permission in this channel" in reply["content"]
    assert "maintainers" not in reply["content"]


class Unreadable(commands.Converter[str]):
    """Refuses every value: how a usage error looks from inside a slash command."""

    async def convert(self, ctx: commands.Context, argument: str) -> str:
        raise commands.BadArgument(f"cannot read {argument!r}")


async def test_a_slash_usage_error_gets_the_usage_and_is_logged_as_slash(world: World) -> None:
    world.bot.remove_command("about")  # the same command, with an argument it cannot read

    @commands.hybrid_command(name="about", description="Everything about one entity.")
    async def about(ctx: commands.Context, *, name: Unreadable) -> None:
        raise AssertionError("never reached: the argument is refused first")

    world.bot.add_command(about)
    interaction = await world.stub.send_slash(
        "about", [{"name": "name", "type": 3, "value": "deepseek"}],
        user_id=USER_ID, channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    response = await world.stub.wait_for_interaction_response(interaction)
    assert "about" in response["data"]["embeds"][0]["description"].lower()
    assert world.bot.querylog.report().by_front_end == {"slash": 1}


async def test_a_button_that_fails_answers_with_an_error_id(world: World, monkeypatch,
                                                            caplog) -> None:
    reply = await world.say("!ask what did deepseek release")
    thumbs_up = next(c["custom_id"] for row in reply["components"] for c in row["components"]
                     if c["label"] == "👍")

    async def broken(*_) -> bool:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(world.bot.querylog, "avote", broken)
    pressed = await world.stub.press_button(int(reply["id"]), thumbs_up, user_id=USER_ID,
                                            channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    data = (await world.stub.wait_for_interaction_response(pressed))["data"]
    assert data["flags"] & FLAG_EPHEMERAL and pings_no_one(data)
    error_id = ERROR_ID.search(data["content"])
    assert error_id and "kaboom" not in data["content"]
    assert any(error_id[1] in r.getMessage() and r.exc_info for r in caplog.records)


async def test_a_page_turn_discord_refuses_answers_with_an_error_id(world: World) -> None:
    reply = await world.say("!entities")
    next_id = next(c["custom_id"] for row in reply["components"] for c in row["components"]
                   if "Next" in c["label"])
    world.stub.fail_next("POST", "/callback", status=400)  # the page edit is refused
    pressed = await world.stub.press_button(int(reply["id"]), next_id, user_id=USER_ID,
                                            channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    data = (await world.stub.wait_for_interaction_response(pressed))["data"]
    assert data["flags"] & FLAG_EPHEMERAL and pings_no_one(data)
    assert ERROR_ID.search(data["content"])


async def test_a_command_discord_has_out_of_date_is_answered_by_the_tree_handler(
        world: World, caplog) -> None:
    caplog.set_level(logging.ERROR)
    interaction = await world.stub.send_slash(  # `name` is required since; Discord's copy lacks it
        "about", [], user_id=USER_ID, channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    data = (await world.stub.wait_for_interaction_response(interaction))["data"]
    assert data["flags"] & FLAG_EPHEMERAL and pings_no_one(data)
    assert "out of date" in data["content"] and "!sync" in data["content"]
    assert not [r for r in caplog.records if r.name.startswith("discord")]
