"""The interactive console: the same router as Discord, answers as plain text."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from bot.core import Engine, route
from bot.knowledge import KnowledgeError, Loader
from bot.knowledge.diff import diff
from bot.output.text import render_text
from bot.services.querylog import QueryLog, log_answer
from bot.shared.formats import plural

HISTORY = Path.home() / ".china_ai_bot_history"
PROMPT = "ai-race> "


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


def run_console(engine: Engine, stdin=sys.stdin, stdout=sys.stdout,
                querylog: QueryLog | None = None, loader: Loader | None = None) -> int:
    """`loader`: the Loader the engine came from; with it, `reload` re-reads the
    knowledge files, so a maintainer checks an edit's answers without Discord."""
    interactive = stdin.isatty()
    if interactive:
        _enable_history()
    print(f"{engine.kb.summary()}. Type a question, `help` for commands, `quit` to leave.",
          file=stdout)
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
        if line:
            start = time.perf_counter()
            answer = route(engine, line)
            latency = (time.perf_counter() - start) * 1000
            print(render_text(answer), end="\n\n", file=stdout)
            log_answer(querylog, "console", answer, engine, latency)


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
