"""End to end: the real bot, through the real discord.py, against the loopback stub."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.router import DESCRIPTIONS
from tests.frontends.discord.conftest import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    MAINTAINER_ID,
    OTHER_ID,
    OWNER_ID,
    USER_ID,
    World,
)

EPHEMERAL = 64


def embed_of(message: dict) -> dict:
    (embed,) = message["embeds"]
    return embed


async def test_prefix_compare_takes_names_without_quotes(world: World) -> None:
    reply = await world.say("!compare hugging face deepseek")
    embed = embed_of(reply)
    assert embed["title"] == "Hugging Face vs DeepSeek"
    assert any(f["name"] == "How they relate" and "DeepSeek publishes on Hugging Face" in f["value"]
               for f in embed["fields"])
    assert "Financial Times" in embed["footer"]["text"]


async def test_question_by_dm(world: World) -> None:
    reply = await world.say("what did deepseek release?", channel=DM_CHANNEL_ID)
    embed = embed_of(reply)
    assert "released" in embed["description"]
    assert "Financial Times ¶" in embed["description"]


async def test_question_by_mention(world: World) -> None:
    reply = await world.say(f"<@{BOT_ID}> 比较百度和腾讯", mentions=[BOT_ID])
    assert embed_of(reply)["title"] == "Baidu vs Tencent"


async def test_plain_chatter_in_a_server_is_ignored(world: World) -> None:
    await world.stub.send_message(channel_id=CHANNEL_ID, author_id=USER_ID,
                                  content="deepseek is cool, what do you all think?")
    await asyncio.sleep(0.3)
    assert world.stub.messages_in(CHANNEL_ID) == []


async def test_unknown_name_gets_did_you_mean(world: World) -> None:
    reply = await world.say("!about deepseekv")
    assert "Did you mean DeepSeek or DeepSeek V3?" in embed_of(reply)["description"]


async def test_slash_command_answers_with_an_embed(world: World) -> None:
    interaction = await world.stub.send_slash(
        "compare", [{"name": "first", "type": 3, "value": "alibaba"},
                    {"name": "second", "type": 3, "value": "baidu"}],
        user_id=USER_ID, channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    response = await world.stub.wait_for_interaction_response(interaction)
    assert response["type"] == 4
    embed = response["data"]["embeds"][0]
    assert embed["title"] == "Alibaba vs Baidu"
    market = next(f for f in embed["fields"] if f["name"].startswith("Market reception"))
    assert "Baidu" in market["value"]


async def test_slash_in_a_dm(world: World) -> None:
    interaction = await world.stub.send_slash(
        "about", [{"name": "name", "type": 3, "value": "千问"}],
        user_id=USER_ID, channel_id=DM_CHANNEL_ID)
    response = await world.stub.wait_for_interaction_response(interaction)
    assert response["data"]["embeds"][0]["title"] == "Qwen (通义千问)"


async def test_autocomplete_returns_at_most_25_short_choices(world: World) -> None:
    interaction = await world.stub.send_autocomplete(
        "compare", [{"name": "first", "type": 3, "value": "deeps", "focused": True}],
        user_id=USER_ID, channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    response = await world.stub.wait_for_interaction_response(interaction)
    assert response["type"] == 8
    choices = response["data"]["choices"]
    assert [c["value"] for c in choices][:2] == ["deepseek", "deepseek-v3"]
    assert len(choices) <= 25 and all(len(c["name"]) <= 100 for c in choices)


async def test_empty_autocomplete_offers_known_entities(world: World) -> None:
    interaction = await world.stub.send_autocomplete(
        "about", [{"name": "name", "type": 3, "value": "", "focused": True}],
        user_id=USER_ID, channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    response = await world.stub.wait_for_interaction_response(interaction)
    assert 1 <= len(response["data"]["choices"]) <= 25


async def test_pages_turn_for_the_asker_only(world: World) -> None:
    reply = await world.say("!entities")
    assert embed_of(reply)["author"]["name"] == "Page 1 of 2"
    buttons = [c for row in reply["components"] for c in row["components"]]
    next_id = next(b["custom_id"] for b in buttons if "Next" in b["label"])

    refused = await world.stub.press_button(int(reply["id"]), next_id, user_id=OTHER_ID,
                                            channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    response = await world.stub.wait_for_interaction_response(refused)
    assert response["type"] == 4 and response["data"]["flags"] & EPHEMERAL
    assert "Only the person who asked" in response["data"]["content"]

    pressed = await world.stub.press_button(int(reply["id"]), next_id, user_id=USER_ID,
                                            channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    response = await world.stub.wait_for_interaction_response(pressed)
    assert response["type"] == 7
    assert world.stub.message(int(reply["id"]))["embeds"][0]["author"]["name"] == "Page 2 of 2"


async def test_reload_by_a_maintainer_swaps_in_the_new_facts(world: World) -> None:
    market = world.knowledge / "facts" / "market.yaml"
    market.write_text(market.read_text().replace(
        "Baidu's shares have lagged by a wide margin.", "Baidu's shares trailed far behind."))
    reply = await world.say("!reload", author=MAINTAINER_ID)
    embed = embed_of(reply)
    assert embed["title"].startswith("Reloaded: version ")
    assert "Facts: 1 changed (market.baidu-underperforms)" in embed["description"]
    answer = await world.say("!ask how are baidu shares doing")
    assert "trailed far behind" in embed_of(answer)["description"]


async def test_reload_by_role_and_by_owner(world: World) -> None:
    assert embed_of(await world.say("!reload", author=OTHER_ID))["title"].startswith("Reloaded")
    assert embed_of(await world.say("!reload", author=OWNER_ID))["title"].startswith("Reloaded")


async def test_broken_reload_is_refused_and_the_old_base_keeps_answering(world: World) -> None:
    before = embed_of(await world.say("!about baidu"))["description"]
    (world.knowledge / "facts" / "market.yaml").write_text("facts:\n  - id: [broken\n")
    reply = await world.say("!reload", author=MAINTAINER_ID)
    embed = embed_of(reply)
    assert embed["title"].startswith("Reload refused: ")
    assert "knowledge/facts/market.yaml:2" in embed["description"]
    assert "YAML syntax error" in embed["description"]
    assert embed_of(await world.say("!about baidu"))["description"] == before


async def test_reload_is_refused_to_everyone_else(world: World) -> None:
    version = world.bot.engine.kb.version
    reply = await world.say("!reload", author=USER_ID)
    assert "only the bot's maintainers" in reply["content"]
    assert world.bot.engine.kb.version == version


async def test_slash_reload_is_checked_in_code(world: World) -> None:
    interaction = await world.stub.send_slash("reload", [], user_id=USER_ID,
                                              channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    response = await world.stub.wait_for_interaction_response(interaction)
    assert response["data"]["flags"] & EPHEMERAL
    assert "only the bot's maintainers" in response["data"]["content"]


async def test_kbinfo_shows_the_version(world: World) -> None:
    reply = await world.say("!kbinfo")
    assert embed_of(reply)["title"] == f"Fact base {world.bot.engine.kb.short_version}"
    assert embed_of(reply)["timestamp"] == world.bot.engine.kb.loaded_at.isoformat()


@pytest.mark.parametrize("content", [
    "!ask @everyone what did deepseek release? <@&910000000000000009> <@900000000000000005>",
    "!about @everyone",
    "!compare @here deepseek",
])
async def test_nobody_is_ever_pinged(world: World, content: str) -> None:
    await world.say(content, mention_everyone=True)
    await world.say(content.replace("!", f"<@{BOT_ID}> ", 1), channel=CHANNEL_ID,
                    mentions=[BOT_ID])
    bodies = world.stub.created_message_bodies()
    assert bodies
    for body in bodies:
        mentions = body["allowed_mentions"]
        assert mentions["parse"] == []
        assert not mentions.get("users") and not mentions.get("roles")


async def test_resume_after_a_gateway_close_then_answer_once(world: World) -> None:
    await world.stub.close_gateway(code=4000)
    assert world.stub.resumes == 1 and world.stub.identifies == 1
    await world.say("!about tencent")
    await asyncio.sleep(0.2)
    assert len(world.stub.messages_in(CHANNEL_ID)) == 1


async def test_429_on_send_is_retried_and_answered_once(world: World) -> None:
    world.stub.fail_next("POST", f"/channels/{CHANNEL_ID}/messages", status=429, retry_after=0.2)
    reply = await world.say("!about alibaba")
    assert embed_of(reply)["title"] == "Alibaba (阿里巴巴)"
    await asyncio.sleep(0.3)
    assert len(world.stub.messages_in(CHANNEL_ID)) == 1
    statuses = [r.status for r in world.stub.requests if r.path.endswith(f"{CHANNEL_ID}/messages")]
    assert statuses == [429, 200]


async def test_burst_from_one_user_is_bounded_and_others_are_still_answered(world: World) -> None:
    for _ in range(30):
        await world.stub.send_message(channel_id=CHANNEL_ID, author_id=USER_ID, content="!help")
    await asyncio.sleep(0.5)
    from_burst = len(world.stub.messages_in(CHANNEL_ID))
    assert 1 <= from_burst <= 6  # a few answers and one "slow down"
    reply = await world.say("!about openai", author=OTHER_ID)
    assert embed_of(reply)["title"] == "OpenAI"


async def test_unexpected_errors_give_an_error_id(world: World, monkeypatch) -> None:
    def boom(*_):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(world.bot.engine, "about", boom)
    reply = await world.say("!about deepseek")
    assert "error id `" in reply["content"] and "kaboom" not in reply["content"]


async def test_no_two_commands_share_a_name(world: World) -> None:
    names = [c.name for c in world.bot.commands] + [a for c in world.bot.commands for a in c.aliases]
    assert len(names) == len(set(names))
    slash = [c.name for c in world.bot.tree.get_commands()]
    assert len(slash) == len(set(slash))


async def test_questions_are_logged_and_votes_counted_once(world: World) -> None:
    reply = await world.say("!ask what do investors think")
    await world.say("what is the weather in Paris", channel=DM_CHANNEL_ID)
    buttons = {c["label"]: c["custom_id"] for row in reply["components"] for c in row["components"]}
    responses = []
    for user in (USER_ID, USER_ID, OTHER_ID):
        pressed = await world.stub.press_button(int(reply["id"]), buttons["👎"], user_id=user,
                                                channel_id=CHANNEL_ID, guild_id=GUILD_ID)
        responses.append(await world.stub.wait_for_interaction_response(pressed))
    texts = [r["data"]["content"] for r in responses]
    assert texts[0].startswith("Thanks") and texts[1].startswith("You have already")
    assert texts[2].startswith("Thanks")
    assert all(r["data"]["flags"] & EPHEMERAL for r in responses)

    report = world.bot.querylog.report()
    assert report.by_front_end == {"prefix": 1, "dm": 1}
    assert [text for text, _ in report.unanswered] == ["what is the weather in paris"]
    (disliked,) = report.most_disliked
    assert (disliked.down, disliked.up) == (2, 0)


def attachments(world: World) -> list[dict]:
    return [f for r in world.stub.requests if r.files for f in r.files]


async def test_landscape_is_sent_as_a_png_attachment(world: World) -> None:
    reply = await world.say("!landscape deepseek")
    embed = embed_of(reply)
    assert embed["image"]["url"] == "attachment://picture.png"
    (png,) = attachments(world)
    assert png["data"].startswith(b"\x89PNG") and png["filename"] == "picture.png"


async def test_compare_card_by_flag_and_by_button(world: World) -> None:
    await world.say("!compare deepseek qwen --card")
    assert len(attachments(world)) == 1
    reply = await world.say("!compare baidu tencent")
    buttons = {c["custom_id"] for row in reply["components"] for c in row["components"]}
    assert "card:baidu,tencent" in buttons
    pressed = await world.stub.press_button(int(reply["id"]), "card:baidu,tencent",
                                            user_id=OTHER_ID, channel_id=CHANNEL_ID,
                                            guild_id=GUILD_ID)
    await world.stub.wait_for_interaction_response(pressed, kind="followup", timeout=15)
    assert len(attachments(world)) == 2


async def test_gaps_reports_unanswered_questions_to_maintainers_only(world: World) -> None:
    await world.say("who makes the best dumplings", channel=DM_CHANNEL_ID)
    refused = await world.say("!gaps", author=USER_ID)
    assert "only the bot's maintainers" in refused["content"]
    reply = await world.say("!gaps 7", author=MAINTAINER_ID)
    assert "who makes the best dumplings" in reply["content"]
    assert len(reply["content"]) <= 2000


async def test_slash_commands_are_synced_only_on_the_owners_demand(world: World) -> None:
    assert not [r for r in world.stub.requests if r.method == "PUT"]  # not at start
    refused = await world.say("!sync", author=MAINTAINER_ID)
    assert "only the bot's maintainers" in refused["content"]
    reply = await world.say("!sync guild", author=OWNER_ID)
    put = next(r for r in world.stub.requests if r.method == "PUT")
    assert f"/guilds/{GUILD_ID}/commands" in put.path
    names = {c["name"] for c in put.json}
    assert {"compare", "about", "ask", "timeline", "sources", "entities", "help", "reload",
            "landscape", "gaps", "kbinfo"} <= names
    compare = next(c for c in put.json if c["name"] == "compare")
    assert [o["required"] for o in compare["options"]] == [True, True, False, False]
    assert all(o["autocomplete"] for o in compare["options"])
    assert set(compare["contexts"]) == {0, 1, 2} and set(compare["integration_types"]) == {0, 1}
    described = {c["name"]: c["description"] for c in put.json if c.get("type", 1) == 1}
    assert {name: described[name] for name in DESCRIPTIONS} == DESCRIPTIONS  # as `help` says
    reload = next(c for c in put.json if c["name"] == "reload")
    assert int(reload["default_member_permissions"]) == 8  # administrator
    assert reply["content"] == f"Synced {len(put.json)} commands (guild)."
