"""The interactive console: the same router as Discord, answers as plain text."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from bot.core import Engine, route
from bot.output.text import render_text
from bot.services.querylog import QueryLog, log_answer

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
                querylog: QueryLog | None = None) -> int:
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
        if line:
            start = time.perf_counter()
            answer = route(engine, line)
            latency = (time.perf_counter() - start) * 1000
            print(render_text(answer), end="\n\n", file=stdout)
            log_answer(querylog, "console", answer, engine, latency)
