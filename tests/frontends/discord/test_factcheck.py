"""End to end: "Check against the fact base" on a message, and `!check`, through the stub."""

from __future__ import annotations

import sys
import time

from bot.frontends.discord.exts import factcheck
from tests.discord_stub import FLAG_EPHEMERAL
from tests.frontends.discord.conftest import CHANNEL_ID, GUILD_ID, OTHER_ID, OWNER_ID, USER_ID, World

CLAIM = "DeepSeek upgraded its V3 model in January 2025. Baidu opened an office on Mars."


async def check_message(world: World, content: str) -> int:
    """Someone posts `content`; another user runs the context menu on it."""
    message_id = await world.stub.send_message(channel_id=CHANNEL_ID, author_id=OTHER_ID,
                                               content=content)
    return await world.stub.send_message_command(factcheck.MENU, message_id, user_id=USER_ID,
                                                 guild_id=GUILD_ID)


async def test_the_context_menu_is_synced_as_a_message_command(world: World) -> None:
    await world.say("!sync guild", author=OWNER_ID)
    put = next(r for r in world.stub.requests if r.method == "PUT")
    menu = next(c for c in put.json if c["name"] == factcheck.MENU)
    assert menu["type"] == 3 and not menu.get("description") and not menu.get("options")
    assert next(c for c in put.json if c["name"] == "check")["type"] == 1


async def test_the_context_menu_answers_at_once_to_the_asker_only(world: World) -> None:
    interaction = await check_message(world, CLAIM)
    response = await world.stub.wait_for_interaction_response(interaction)
    first = world.stub.interaction_responses(interaction)[0]
    assert first["kind"] == "callback" and first["type"] == 4  # the answer itself, no "thinking"
    assert response["data"]["flags"] & FLAG_EPHEMERAL
    (embed,) = response["data"]["embeds"]
    assert embed["title"] == "Checked against the fact base"
    text = embed["description"]
    assert "The base has it differently (the message says January 2025)" in text
    assert "Differs: DeepSeek put out a substantially better version of its V3 model" in text
    assert "The fact base has nothing on this" in text  # the office on Mars
    assert "not a verdict" in text
    assert "Financial Times" in embed["footer"]["text"]
    assert response["data"]["allowed_mentions"]["parse"] == []
    assert world.bot.querylog.report().total == 0  # someone else's words are not logged


async def test_a_slow_check_is_acknowledged_before_the_deadline(world: World, monkeypatch) -> None:
    engine = world.bot.engine
    check = engine.check

    def slow(text: str):  # as on a huge base or a busy machine
        time.sleep(0.3)
        return check(text)

    monkeypatch.setattr(engine, "check", slow)
    # the cog's module as the bot loaded it (load_extension makes a module object of its own)
    monkeypatch.setattr(sys.modules[factcheck.__name__], "QUICK", 0.05)
    interaction = await check_message(world, CLAIM)
    followup = await world.stub.wait_for_interaction_response(interaction, kind="followup")
    callback = world.stub.interaction_responses(interaction)[0]
    assert callback["kind"] == "callback" and callback["type"] == 5  # deferred, "thinking"
    assert callback["data"]["flags"] & FLAG_EPHEMERAL
    assert followup["data"]["flags"] & FLAG_EPHEMERAL
    assert followup["data"]["embeds"][0]["title"] == "Checked against the fact base"


async def test_a_message_without_text(world: World) -> None:
    interaction = await check_message(world, "")
    response = await world.stub.wait_for_interaction_response(interaction)
    assert response["data"]["content"] == "That message has no text I can check."
    assert response["data"]["flags"] & FLAG_EPHEMERAL


async def test_prefix_check(world: World) -> None:
    reply = await world.say("!check DeepSeek upgraded its V3 model in January 2025")
    (embed,) = reply["embeds"]
    assert embed["title"] == "Checked against the fact base"
    assert embed["description"].startswith("1 claim checked")
    assert "**“DeepSeek upgraded its V3 model in January 2025”**" in embed["description"]
    assert "Differs:" in embed["description"]
    assert world.bot.querylog.report().by_command == {"check": 1}
    usage = await world.say("!check")
    assert "Give me the text to check" in usage["embeds"][0]["description"]
