"""`!gaps` and `/gaps` end to end: the report says what to add and brings its weekly picture."""

from __future__ import annotations

from tests.frontends.discord.conftest import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    MAINTAINER_ID,
    OTHER_ID,
    USER_ID,
    World,
)

EPHEMERAL = 64


def files_of(world: World, mark: int = 0) -> list[dict]:
    return [f for r in world.stub.requests[mark:] if r.files for f in r.files]


async def test_gaps_attaches_the_weekly_picture_and_says_what_to_add(world: World) -> None:
    await world.say("what about Kimi from Moonshot?", channel=DM_CHANNEL_ID)
    await world.say("hello", channel=DM_CHANNEL_ID)
    answer = await world.say("!ask what did deepseek release")
    down = next(c["custom_id"] for row in answer["components"] for c in row["components"]
                if c["label"] == "👎")
    pressed = await world.stub.press_button(int(answer["id"]), down, user_id=OTHER_ID,
                                            channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    await world.stub.wait_for_interaction_response(pressed)

    mark = len(world.stub.requests)
    reply = await world.say("!gaps", author=MAINTAINER_ID)
    content = reply["content"]
    assert len(content) <= 2000
    assert "   1  kimi  e.g. “what about Kimi from Moonshot?”" in content
    assert "hello  e.g." not in content  # an English word is no name to add
    assert "0/1   [ask] what did deepseek release" in content
    assert "release.deepseek-v3-publicly-available" in content  # the facts the disliked answer showed
    (png,) = [f for f in files_of(world, mark) if f["filename"] == "questions-per-week.png"]
    assert png["data"].startswith(b"\x89PNG")


async def test_slash_gaps_is_ephemeral_with_its_picture(world: World) -> None:
    await world.say("who makes the best dumplings", channel=DM_CHANNEL_ID)
    interaction = await world.stub.send_slash("gaps", [{"name": "days", "type": 4, "value": 7}],
                                              user_id=MAINTAINER_ID, channel_id=CHANNEL_ID,
                                              guild_id=GUILD_ID)
    deferred = await world.stub.wait_for_interaction_response(interaction)
    assert deferred["type"] == 5 and deferred["data"]["flags"] & EPHEMERAL  # only they see it
    followup = await world.stub.wait_for_interaction_response(interaction, kind="followup",
                                                              timeout=15)
    assert "who makes the best dumplings" in followup["data"]["content"]
    assert any(f["filename"] == "questions-per-week.png" and f["data"].startswith(b"\x89PNG")
               for f in files_of(world))


async def test_gaps_is_refused_to_everyone_else(world: World) -> None:
    reply = await world.say("!gaps", author=USER_ID)
    assert "only the bot's maintainers" in reply["content"]
    assert not files_of(world)


async def test_a_long_report_comes_whole_as_a_text_file(world: World) -> None:
    for n in range(60):
        world.bot.querylog.record(front_end="dm", command="ask", kind="not_found",
                                  query=f"what is Zorblax{n} doing " + "and why " * 20,
                                  unknown=(f"zorblax{n}",))
    mark = len(world.stub.requests)
    reply = await world.say("!gaps", author=MAINTAINER_ID)
    assert len(reply["content"]) <= 2000 and "…(cut)" in reply["content"]
    (text,) = [f for f in files_of(world, mark) if f["filename"] == "gaps-report.txt"]
    whole = text["data"].decode()
    assert whole.startswith("Query report, all time: 60 queries")
    assert "Answers per front end:\n    60  dm" in whole
