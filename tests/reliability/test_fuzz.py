"""Bad input, fuzzed: arbitrary Unicode, control, zero-width and bidi characters,
markdown and code fences, mentions, 4,000-character lines, blank arguments and
thousands of names, through the router and every command, the Discord renderer, and
the real bot on the loopback stub.

Invariants: nothing raises; every reply fits Discord's limits; nothing typed comes
back as a live mention, code fence or bidi control (and every message the bot creates
allows no mentions at all); the same input always gives the same answer.

Hypothesis runs derandomized with a fixed number of examples, so CI sees the same
inputs every time; `tests/reliability/limits.py` counts them for the closing note.
"""

from __future__ import annotations

import asyncio
import time

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.core import Engine, route, run
from bot.core.answers import Answer, Cell, Cite, Column, FactView, Kind, Row, Section
from bot.core.router import NAMES
from bot.frontends.discord.embeds import DESCRIPTION, answer_pages, clip
from bot.knowledge import load
from bot.knowledge.schema import Nature
from tests.frontends.discord.conftest import BOT_ID, CHANNEL_ID, GUILD_ID, World
from tests.paths import FT_BASE
from tests.reliability.limits import (
    count_inputs,
    echo_problems,
    embed_problems,
    message_problems,
)


def fuzz(examples: int):
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


_KB = load(FT_BASE)
NAMES_IN_BASE = sorted({n for e in _KB.entities.values()
                        for n in (e.name, e.chinese_name, *e.aliases) if n})
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
BIDI = ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
        "\u2066", "\u2067", "\u2068", "\u2069"]
CONTROL = ["\x00", "\x07", "\x08", "\x1b", "\r", "\n", "\t", "\x0b", "\x0c", "\x1c", "\x7f",
           "\x85", "\u2028", "\u2029"]
MARKUP = ["```", "```py\nprint(1)\n```", "`", "``", "**", "__", "*", "_", "~~", "||", "> ",
          ">>> ", "# ", "-# ", "- ", "1. ", "[x](https://example.com)", "<https://example.com>",
          ":smile:", "<:e:123456789012345678>", "<t:0:R>", "\\", "\\*", "<#910000000000000002>",
          "\"", "'", "“", "”", "--card", "—card"]
MENTIONS = ["@everyone", "@here", "<@900000000000000003>", "<@!900000000000000005>",
            "<@&910000000000000009>", f"<@{BOT_ID}>", "@\u200beveryone", "＠everyone"]
WORDS = [*sorted(NAMES), "比较", "对比", "和", "vs", "what", "did", "release", "shares", "model",
         "who", "when", "?", "!", "，", "、"]
SPECIAL = ZERO_WIDTH + BIDI + CONTROL + MARKUP + MENTIONS

piece = st.one_of(st.sampled_from(SPECIAL), st.sampled_from(NAMES_IN_BASE + WORDS),
                  st.text(max_size=12))  # any code point but lone surrogates
line = st.tuples(st.lists(piece, max_size=10), st.sampled_from(["", " ", "  ", "\n", "\u3000", ", "])
                 ).map(lambda t: t[1].join(t[0]))
long_line = st.tuples(piece, st.sampled_from([" ", ""])).map(
    lambda t: ((t[0] or "x") + t[1]) * (4000 // max(1, len(t[0] or "x") + len(t[1])) + 1)
).map(lambda s: s[:4000])
blank = st.text(alphabet=" \t\n\r\x0b\x0c\u00a0\u1680\u2000\u2028\u2029\u3000\u200b\ufeff",
                max_size=6)
argument = st.one_of(line, blank, long_line)

COMMAND_FORMS = ["", "!", *sorted(NAMES), *(f"!{n}" for n in sorted(NAMES)), "比较", "对比",
                 "compare --card"]


def check_answer(engine: Engine, answer: Answer) -> None:
    pages = answer_pages(answer, engine.kb.short_version)
    assert pages
    again = answer_pages(answer, engine.kb.short_version)
    assert [p.to_dict() for p in again] == [p.to_dict() for p in pages]
    for page in pages:
        assert embed_problems(page) == [], (answer.command, answer.title[:80])
        assert echo_problems(page) == [], (answer.command, answer.title[:80])


@fuzz(400)
@given(form=st.sampled_from(COMMAND_FORMS), arg=argument)
def test_any_line_through_the_router(engine: Engine, form: str, arg: str) -> None:
    text = f"{form} {arg}" if form else arg
    answer = route(engine, text)
    assert route(engine, text) == answer  # the same input, the same answer
    check_answer(engine, answer)
    count_inputs()


@fuzz(200)
@given(command=st.sampled_from(sorted(NAMES)), arg=argument,
       names=st.lists(argument, max_size=6))
def test_slash_arguments_as_given(engine: Engine, command: str, arg: str, names: list[str]) -> None:
    """Slash options arrive unparsed: straight into the command, into compare as a
    list, and into autocomplete."""
    for answer in (run(engine, command, arg), engine.compare(names)):
        check_answer(engine, answer)
    assert engine.compare(names) == engine.compare(names)
    choices = engine.complete(arg[:100], limit=25)
    assert len(choices) <= 25 and choices == engine.complete(arg[:100], limit=25)
    count_inputs(2 + len(names))


def test_thousands_of_names_in_one_compare(engine: Engine) -> None:
    many = (NAMES_IN_BASE * (3000 // len(NAMES_IN_BASE) + 1))[:3000]
    unknown = [f"name{i}" for i in range(3000)]
    lines = ["compare " + " ".join(many), "!compare " + ", ".join(many), "比较" + "和".join(many),
             "compare " + " ".join(unknown), "ask " + " ".join(many)]
    started = time.perf_counter()
    for text in lines:
        answer = route(engine, text)
        check_answer(engine, answer)
    for names in (many, unknown, [*many[:3], *unknown[:3]]):
        answer = engine.compare(names)
        assert answer.kind in (Kind.USAGE_ERROR, Kind.NOT_FOUND)
        check_answer(engine, answer)
    assert "at most 4" in engine.compare(many).summary
    assert time.perf_counter() - started < 10  # generous: about 0.1 s on a laptop
    count_inputs(len(lines) + 3)


# --- the renderer alone, on answers no fact base would produce ----------------------

# Long texts by repetition: drawing thousands of characters one by one is slow.
text = st.one_of(st.text(max_size=40),
                 st.builds(lambda word, n, sep: (word + sep) * n, st.text(max_size=12),
                           st.integers(20, 700), st.sampled_from([" ", "", "\n"])))
cite = st.builds(Cite, st.text(max_size=5), text, text, st.just("Mar 2025"), st.booleans(),
                 st.integers(1, 99))
fact = st.builds(FactView, st.text(min_size=1, max_size=8), text, st.just("x"), st.just("market"),
                 st.sampled_from(list(Nature)), st.just("Mar 2025"), cite,
                 st.one_of(st.none(), text))


@st.composite
def answers(draw) -> Answer:
    columns = tuple(draw(st.lists(st.builds(Column, st.just("x"), text, st.one_of(st.none(), text)),
                                  max_size=4)))
    rows = tuple(Row(draw(text), tuple(Cell(draw(text), tuple(draw(st.lists(st.text(max_size=8),
                                                                            max_size=3))))
                                       for _ in columns))
                 for _ in range(draw(st.integers(0, 30))))
    sections = draw(st.lists(st.builds(Section, text, st.lists(text, max_size=40).map(tuple)),
                             max_size=4))
    return Answer(draw(st.sampled_from(list(Kind))), draw(text), summary=draw(text),
                  columns=columns, rows=rows, sections=tuple(sections),
                  facts=tuple(draw(st.lists(fact, max_size=30))),
                  suggestions=tuple(draw(st.lists(text, max_size=3))))


@fuzz(300)
@given(answer=answers())
def test_the_renderer_keeps_any_answer_within_discords_limits(answer: Answer) -> None:
    pages = answer_pages(answer, "0123456789")
    assert pages
    for page in pages:
        assert embed_problems(page) == []
    count_inputs()


@fuzz(300)
@given(body=st.text(max_size=3000), limit=st.integers(0, 2100))
def test_clip_fits_and_never_cuts_without_saying_so(body: str, limit: int) -> None:
    clipped = clip(body, limit)
    assert len(clipped) <= limit
    if clipped != body:
        assert clipped.endswith("…(cut)") or "…(cut)".startswith(clipped)
        kept = clipped.removesuffix(" …(cut)")
        assert body.startswith(kept) or kept == clipped
    count_inputs()


def test_a_long_line_is_cut_at_a_word_with_a_notice() -> None:
    words = " ".join(f"word{i}" for i in range(2000))
    clipped = clip(words, DESCRIPTION)
    assert clipped.endswith(" …(cut)") and len(clipped) <= DESCRIPTION
    assert clipped.removesuffix(" …(cut)").split()[-1] in words.split()  # a whole word


# --- the real bot, through the loopback stub -----------------------------------------

def sample(strategy: st.SearchStrategy, n: int) -> list:
    """n values of a strategy, the same ones every run."""
    drawn: list = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value) -> None:
        drawn.append(value)

    collect()
    return drawn


FRONT_ENDS = ["!ask", "!about", "!compare", "!timeline", "!sources", "!entities", "!help",
              "!landscape", "dm", "mention", "/ask", "/about", "/compare"]


async def test_fuzzed_messages_through_the_real_bot(world: World) -> None:
    """30 fuzzed inputs, each from a different user (so the rate limit stays out of the
    way), each by a different road in: prefix commands, a DM, a mention, slash commands."""
    inputs = sample(argument, 30)
    stub = world.stub
    for n, arg in enumerate(inputs):
        user = 800000000000000000 + n
        stub.add_user(user)
        road = FRONT_ENDS[n % len(FRONT_ENDS)]
        mark = len(stub.requests)
        if road.startswith("/"):  # Discord refuses an empty required option: "." stands in
            value = arg[:6000] or "."
            options = {"/ask": [("question", value)], "/about": [("name", value)],
                       "/compare": [("first", value), ("second", "deepseek")]}[road]
            interaction = await stub.send_slash(
                road[1:], [{"name": k, "type": 3, "value": v} for k, v in options],
                user_id=user, channel_id=CHANNEL_ID, guild_id=GUILD_ID)
            reply = (await stub.wait_for_interaction_response(interaction, timeout=10))["data"]
        else:
            if road == "dm":
                channel = stub.add_dm_channel(810000000000000000 + n, user)
                content = arg or "."
            elif road == "mention":
                channel, content = CHANNEL_ID, f"<@{BOT_ID}> {arg}"
            else:
                channel, content = CHANNEL_ID, f"{road} {arg}"
            await stub.send_message(channel_id=channel, author_id=user, content=content,
                                    mentions=[BOT_ID] if road == "mention" else ())
            reply = await stub.wait_for_message(channel, timeout=10)
        assert "error id" not in (reply.get("content") or ""), (road, arg)
        bodies = stub.created_message_bodies(since=mark)
        assert len(bodies) == 1, (road, arg)
        assert message_problems(bodies[0]) == [], (road, arg)
        for embed in bodies[0].get("embeds") or []:
            assert echo_problems(embed) == [], (road, arg)
    await asyncio.sleep(0.2)  # nothing more arrives: one reply per input
    assert len(stub.created_message_bodies()) == len(inputs)
    assert stub.handler_errors == []
    count_inputs(len(inputs))
