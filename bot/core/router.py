"""One router for every front end: a line of text to a command and its answer."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rapidfuzz.distance import OSA

from bot.core.answers import Answer, Kind, Picture, PictureKind, Section
from bot.core.engine import Engine


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    args: str
    description: str
    example: str


COMMANDS: tuple[Command, ...] = (
    Command("ask", "<question>", "Answer a question from the fact base, with sources.",
            "ask what did deepseek release"),
    Command("compare", "<A> <B> [C] [D] [--card]", "Put two to four companies or models side by side "
            "(--card: as a picture).", "compare deepseek qwen"),
    Command("about", "<name>", "Everything the fact base knows about one entity.",
            "about alibaba"),
    Command("timeline", "[name]", "Dated facts in order, for everything or one entity.",
            "timeline deepseek"),
    Command("sources", "[name]", "The articles behind the facts, and what cites each.",
            "sources baidu"),
    Command("entities", "[kind]", "Everything the bot knows, grouped by kind.",
            "entities company"),
    Command("landscape", "[name]", "A picture of who makes, rivals and partners with whom; with a "
            "name, just its neighbourhood.", "landscape deepseek"),
    Command("check", "<text>", "Check claims against the fact base: closest facts, and figures or "
            "dates it has differently.", "check DeepSeek's R1 cost $5.6M to train"),
    Command("help", "", "Every command, with an example.", "help"),
)
NAMES = frozenset(c.name for c in COMMANDS)
DESCRIPTIONS = {c.name: c.description for c in COMMANDS}
"""what `help` says of each command, and what Discord shows beside its slash form"""


def help_answer() -> Answer:
    lines = tuple(f"{c.name} {c.args}".strip() + f": {c.description} Example: `{c.example}`"
                  for c in COMMANDS)
    return Answer(Kind.HELP, "Commands", command="help",
                  summary="Ask about the Chinese AI race; every answer cites its sources. "
                          "Anything that is not a command is a question.",
                  sections=(Section("Every command, with an example", lines),))


def split_command(line: str) -> tuple[str, str]:
    """('compare', 'deepseek qwen') for '!compare deepseek qwen'; a line whose
    first word is not a command is a question for ask."""
    text = line.strip().removeprefix("!").removeprefix("/").strip()
    for word in ("比较", "对比"):  # "比较百度和腾讯": compare, in Chinese, unspaced
        if text.startswith(word):
            return "compare", text[len(word):].strip()
    head, _, rest = text.partition(" ")
    command = _command_named(head.casefold())
    if command is not None:
        return command, rest.strip()
    return "ask", line.strip()


def _command_named(word: str) -> str | None:
    """The command a first word names, forgiving one slip in a long one
    (`comapre`, `abuot`, `timline`): short words are too often real words."""
    if word in NAMES:
        return word
    if len(word) >= 5:
        near = [n for n in NAMES if OSA.distance(word, n) <= 1]
        if len(near) == 1:
            return near[0]
    return None


def route(engine: Engine, line: str) -> Answer:
    command, rest = split_command(line)
    return run(engine, command, rest, query=line)


def run(engine: Engine, command: str, rest: str, query: str | None = None) -> Answer:
    handlers = {
        "ask": engine.ask,
        "compare": engine.compare_text,
        "about": engine.about,
        "timeline": engine.timeline,
        "sources": engine.sources,
        "entities": engine.entities,
        "help": lambda _: help_answer(),
        "landscape": engine.landscape,
        "check": engine.check,
    }
    card = command == "compare" and bool(CARD_FLAGS & set(rest.split()))
    if card:
        rest = " ".join(w for w in rest.split() if w not in CARD_FLAGS)
    answer = handlers[command](rest)
    if card and answer.kind is Kind.COMPARISON:
        answer = replace(answer, picture=Picture(PictureKind.CARD))
    return replace(answer, query=query if query is not None else rest)


CARD_FLAGS = frozenset({"--card", "—card"})  # phones turn "--" into an em dash

