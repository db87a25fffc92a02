"""The query log's database in trouble, seen from Discord: answers go out as usual, with
their vote buttons, and a vote that cannot be saved says so instead of "already rated"."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from tests.discord_stub import FLAG_EPHEMERAL
from tests.frontends.discord.conftest import CHANNEL_ID, GUILD_ID, USER_ID, World

DEADLINE = 3.0
"""seconds Discord gives a bot to answer an interaction"""


def button(reply: dict, label: str) -> str:
    return next(c["custom_id"] for row in reply["components"] for c in row["components"]
                if c["label"] == label)


def hold_lock(path: Path, held: threading.Event, release: threading.Event) -> None:
    """Another process in a long write transaction on the log."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    held.set()
    release.wait(30)
    conn.execute("COMMIT")
    conn.close()


async def test_a_locked_log_delays_no_answer_and_a_vote_asks_to_try_again(world: World) -> None:
    querylog = world.bot.querylog
    await world.say("!ask what did deepseek release")
    assert querylog.flush()
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_lock, args=(querylog.path, held, release))
    holder.start()
    assert held.wait(10)
    try:
        reply = await world.say("!compare deepseek qwen")  # answered while the log is locked
        up = button(reply, "👍")  # its entry has its id already, though not yet written
        pressed = await world.stub.press_button(int(reply["id"]), up, user_id=USER_ID,
                                                channel_id=CHANNEL_ID, guild_id=GUILD_ID)
        data = (await world.stub.wait_for_interaction_response(pressed, timeout=DEADLINE))["data"]
        assert data["flags"] & FLAG_EPHEMERAL
        assert "could not be saved just now" in data["content"]
    finally:
        release.set()
        holder.join()
    assert querylog.flush(10)
    # the vote that failed was not kept: the same person may vote now
    pressed = await world.stub.press_button(int(reply["id"]), button(reply, "👎"), user_id=USER_ID,
                                            channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    data = (await world.stub.wait_for_interaction_response(pressed, timeout=DEADLINE))["data"]
    assert data["content"].startswith("Thanks, noted")
    report = querylog.report()
    assert report.by_command == {"ask": 1, "compare": 1}
    assert [(v.command, v.up, v.down) for v in report.most_disliked] == [("compare", 0, 1)]
    assert querylog.stats().dropped == 0
