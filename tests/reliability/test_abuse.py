"""Abuse: a burst of 500 commands from one user, and answers far longer than a message.

The burst gets a bounded number of replies (RATE answers and one "slow down" notice
per PER-second window) while another user is still answered; a long answer (the
entity list of a 500-entity base) is paged, every page within Discord's limits, and
nothing is cut mid-word without a notice.
"""

from __future__ import annotations

import asyncio
import math
import shutil
import time
from pathlib import Path

import pytest

from bench import generate
from bot.core import Engine, route
from bot.core.wording import entity_label
from bot.frontends.discord.client import PER, RATE
from bot.frontends.discord.embeds import MESSAGE, answer_pages, clip
from bot.frontends.discord.runner import build_bot
from bot.knowledge import load
from bot.shared.settings import Settings
from tests.discord_stub import DiscordStub
from tests.frontends.discord.conftest import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    OTHER_ID,
    OWNER_ID,
    USER_ID,
    World,
)
from tests.reliability.limits import FIGURES, embed_problems, message_problems

BURST = ("!help", "!about deepseek", "!ask what did deepseek release", "!compare baidu tencent",
         "!timeline", "!entities", "!sources baidu")


async def settle(world: World, quiet: float = 0.3, timeout: float = 10.0) -> None:
    """Wait until the bot has sent nothing new for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    seen = -1
    while time.monotonic() < deadline:
        now = len(world.stub.requests)
        if now == seen:
            return
        seen = now
        await asyncio.sleep(quiet)
    raise TimeoutError("the bot kept sending")


async def test_a_burst_of_500_commands_gets_a_bounded_number_of_replies(world: World) -> None:
    stub = world.stub
    started = time.monotonic()
    other_reply = None
    for n in range(500):
        if n % 5 == 4:  # questions by DM count against the same user
            await stub.send_message(channel_id=DM_CHANNEL_ID, author_id=USER_ID,
                                    content="what did deepseek release?")
        else:
            await stub.send_message(channel_id=CHANNEL_ID, author_id=USER_ID,
                                    content=BURST[n % len(BURST)])
        if n == 250:  # someone else, in the middle of it
            await stub.send_message(channel_id=CHANNEL_ID, author_id=OTHER_ID, content="!about openai")
            other_reply = await stub.wait_for_message(
                CHANNEL_ID, lambda m: any(e.get("title") == "OpenAI" for e in m["embeds"]), timeout=5)
    burst_seconds = time.monotonic() - started
    await settle(world)

    assert other_reply is not None
    bodies = stub.created_message_bodies()
    assert all(message_problems(b) == [] for b in bodies)
    from_burst = [b for b in bodies if not any(e.get("title") == "OpenAI" for e in b.get("embeds", []))]
    notices = [b for b in from_burst if "Slow down" in (b.get("content") or "")]
    windows = math.ceil((time.monotonic() - started) / PER)
    assert 1 <= len(notices) <= windows
    assert len(from_burst) <= windows * (RATE + 1)
    assert stub.handler_errors == []
    FIGURES["burst_replies"] = (f"500 commands in {burst_seconds:.1f} s -> {len(from_burst)} replies "
                                f"({len(from_burst) - len(notices)} answers + {len(notices)} slow-down "
                                f"notice); another user answered mid-burst")

    reply = await world.say("!about tencent", author=OTHER_ID)  # and still, afterwards
    assert reply["embeds"][0]["title"].startswith("Tencent")


@pytest.fixture(scope="module")
def big_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """500 entities, 2,000 facts, 20 sources, written by the benchmark's generator."""
    out = tmp_path_factory.mktemp("synthetic-500")
    return generate.generate(out / "base", generate.Params(
        entities=500, facts=2000, facts_per_file=1000, entities_per_file=500, sources=20))


def test_long_answers_are_paged_within_discords_limits(big_base: Path) -> None:
    engine = Engine(load(big_base))
    labels = [entity_label(e) for e in engine.kb.entities.values()]
    for command in ("entities", "timeline", "sources", "entities company"):
        pages = answer_pages(route(engine, command), engine.kb.short_version)
        assert len(pages) > 1, command
        for n, page in enumerate(pages, 1):
            assert embed_problems(page) == [], (command, n)
            assert page.author.name == f"Page {n} of {len(pages)}"
        if command == "entities":
            shown = "\n".join(p.description or "" for p in pages)
            missing = [label for label in labels if f"• {label}\n" not in shown + "\n"]
            assert missing == []  # every name whole, none cut
            assert "…(cut)" not in shown
            FIGURES["long_answer_pages"] = (f"entities of a 500-entity base: {len(pages)} pages, "
                                            f"longest {max(len(p) for p in pages)} characters")


def test_a_plain_message_over_2000_characters_is_cut_at_a_word_with_a_notice() -> None:
    text = " ".join(f"word{i}" for i in range(1000))
    cut = clip(text, MESSAGE)
    assert len(cut) <= MESSAGE and cut.endswith(" …(cut)")
    assert text.startswith(cut.removesuffix(" …(cut)") + " ")  # ends between two words


async def test_the_long_list_pages_through_the_real_bot(big_base: Path, tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(big_base, knowledge)
    settings = Settings(_env_file=None, discord_token=None, knowledge_dir=knowledge, query_log="off")
    stub = DiscordStub(bot_user_id=BOT_ID, owner_id=OWNER_ID)
    await stub.start()
    stub.add_guild(GUILD_ID, channels=[CHANNEL_ID], members=[USER_ID])
    try:
        async with stub.running_bot(build_bot(settings)):
            await stub.send_message(channel_id=CHANNEL_ID, author_id=USER_ID, content="!entities")
            reply = await stub.wait_for_message(CHANNEL_ID, timeout=10)
            (embed,) = reply["embeds"]
            total = int(embed["author"]["name"].rsplit(" ", 1)[1])
            assert total > 1 and embed_problems(embed) == []
            buttons = [c for row in reply["components"] for c in row["components"]]
            next_id = next(b["custom_id"] for b in buttons if "Next" in b.get("label", ""))
            for page in range(2, 5):
                pressed = await stub.press_button(int(reply["id"]), next_id, user_id=USER_ID,
                                                  channel_id=CHANNEL_ID, guild_id=GUILD_ID)
                response = await stub.wait_for_interaction_response(pressed, timeout=5)
                (shown,) = response["data"]["embeds"]
                assert shown["author"]["name"] == f"Page {page} of {total}"
                assert embed_problems(shown) == []
        assert stub.handler_errors == []
    finally:
        await stub.close()
