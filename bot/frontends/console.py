"""The interactive console: the same router as Discord, answers as plain text.

An answer that asks for a picture (`landscape`, `compare A B --card`) is drawn
as a PNG under the pictures directory, and its path printed. After an answer,
`+` or `-` (also `good`/`bad`, 👍/👎) rates it in the query log, as the buttons
under a Discord answer do, so "most disliked" in the report works here too."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from bot.core import Answer, Engine, route
from bot.core.answers import Kind, PictureKind
from bot.knowledge import KnowledgeError, Loader
from bot.knowledge.diff import diff
from bot.output.pictures import PictureCache
from bot.output.text import render_text
from bot.services.querylog import QueryLog, log_answer
from bot.shared.formats import plural

HISTORY = Path.home() / ".china_ai_bot_history"
PROMPT = "ai-race> "
PICTURES = Path("pictures")
"""where pictures go unless told otherwise (relative to the working directory)"""
VOTES = {"+": True, "good": True, "👍": True, "-": False, "bad": False, "👎": False}
VOTER = "console"
"""the console is one person at one keyboard: one vote per answer"""
NOT_RATED = frozenset({Kind.HELP, Kind.USAGE_ERROR})


def _enable_history() -> None:
    try:
        import readline
    except ImportError:  # not on every platform; the console works without it
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(HISTORY)
    import atexit

    atexit.register(lambda: _save_history(readline))


def _save_history(readline) -> None:
    with contextlib.suppress(OSError):
        readline.write_history_file(HISTORY)


def picture_name(answer: Answer) -> str:
    """A file name that says what is drawn: landscape.png, landscape-deepseek.png,
    compare-deepseek-qwen.png (entity ids are safe in file names)."""
    picture = answer.picture
    if picture is not None and picture.kind is PictureKind.LANDSCAPE:
        return f"landscape-{picture.focus}.png" if picture.focus else "landscape.png"
    return ("compare-" + "-".join(answer.entities))[:120] + ".png"


def save_picture(engine: Engine, answer: Answer, path: Path, cache: PictureCache) -> str:
    """Draw the answer's picture into path; the line to print either way."""
    data = cache.picture_for(engine.kb, answer)
    if data is None:
        return "No picture for this answer."
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        return f"{path}: cannot write the picture: {exc.strerror}"
    return f"Picture: {path}"


def run_console(engine: Engine, stdin=sys.stdin, stdout=sys.stdout,
                querylog: QueryLog | None = None, loader: Loader | None = None,
                pictures: Path = PICTURES) -> int:
    """`loader`: the Loader the engine came from; with it, `reload` re-reads the
    knowledge files, so a maintainer checks an edit's answers without Discord.
    `pictures`: the directory pictures are written to."""
    interactive = stdin.isatty()
    if interactive:
        _enable_history()
    print(f"{engine.kb.summary()}. Type a question, `help` for commands, `+`/`-` to rate an "
          "answer, `quit` to leave.", file=stdout)
    cache = PictureCache(maxsize=8)
    rated: int | None = None
    """the query id of the last answer, while it may be rated"""
    while True:
        try:
            line = input(PROMPT) if interactive else stdin.readline()
        except (EOFError, KeyboardInterrupt):
            print(file=stdout)
            return 0
        if not interactive and not line:
            return 0
        line = line.strip()
        if line in ("quit", "exit", ":q"):
            return 0
        if line == "reload" and loader is not None:
            engine = _reload(engine, loader, stdout)
            continue
        if line.casefold() in VOTES:
            print(_vote(querylog, rated, VOTES[line.casefold()]), end="\n\n", file=stdout)
            continue
        if line:
            start = time.perf_counter()
            answer = route(engine, line)
            latency = (time.perf_counter() - start) * 1000
            print(render_text(answer), end="\n\n", file=stdout)
            if answer.picture is not None:
                print(save_picture(engine, answer, pictures / picture_name(answer), cache),
                      end="\n\n", file=stdout)
            query_id = log_answer(querylog, "console", answer, engine, latency)
            rated = query_id if answer.kind not in NOT_RATED else None


def _vote(querylog: QueryLog | None, query_id: int | None, up: bool) -> str:
    if querylog is None or not querylog.enabled:
        return "The query log is off (QUERY_LOG=off): ratings are not kept."
    if query_id is None:
        return "Nothing to rate yet: ask something first."
    counted = querylog.vote(query_id, VOTER, up)
    if counted is None:  # the database did not answer in time
        return "Your rating could not be saved just now: please try again in a minute."
    if counted:
        return "Thanks, noted: it helps the maintainers improve the fact base."
    return "You have already rated this answer."


def _reload(engine: Engine, loader: Loader, stdout) -> Engine:
    """The new engine, or the old one with every problem listed, as `!reload` does."""
    try:
        new = Engine(loader.load(), previous=engine)
    except KnowledgeError as exc:
        print("Reload refused, the old fact base keeps answering: "
              f"{plural(len(exc.problems), 'problem')}:", file=stdout)
        for problem in exc.problems:
            print(f"  {problem}", file=stdout)
        return engine
    changes = diff(engine.kb, new.kb).lines()
    print(f"Reloaded: {new.kb.summary()}.", *(f"  {line}" for line in changes), sep="\n",
          file=stdout)
    return new
