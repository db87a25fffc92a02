"""`python -m bot ...`: the command-line front end."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.config import Settings
from bot.core import Engine, route
from bot.knowledge import KnowledgeError, load
from bot.render.json import to_json
from bot.render.text import render_text


def _load_engine(path: Path) -> Engine | None:
    try:
        return Engine(load(path))
    except KnowledgeError as exc:
        print(f"{path}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def _validate(args: argparse.Namespace) -> int:
    engine = _load_engine(args.knowledge)
    if engine is None:
        return 1
    print(f"{args.knowledge}: OK: {engine.kb.summary()}")
    return 0


def _query(args: argparse.Namespace) -> int:
    engine = _load_engine(args.knowledge)
    if engine is None:
        return 1
    lines = [args.query] if args.query is not None else (line.rstrip("\n") for line in sys.stdin)
    for line in lines:
        answer = route(engine, line)
        if args.json:
            print(json.dumps(to_json(answer), ensure_ascii=False), flush=True)
        else:
            print(render_text(answer), end="\n\n" if args.query is None else "\n")
    return 0


def _console(args: argparse.Namespace) -> int:
    from bot.console import run_console

    engine = _load_engine(args.knowledge)
    return 1 if engine is None else run_console(engine)


def _run(args: argparse.Namespace) -> int:
    from bot.discord_bot.runner import run_bot

    return run_bot(Settings(), sync_guild=args.sync_guild)


def _start(args: argparse.Namespace) -> int:
    """What `make run` does: the bot when there is a token, the console otherwise."""
    if Settings().discord_token is None:
        print("No DISCORD_TOKEN set (environment or .env; see .env.example): "
              "opening the console instead.", file=sys.stderr)
        return _console(args)
    return _run(args)


def build_parser() -> argparse.ArgumentParser:
    settings_dir = Settings().knowledge_dir
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, func, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help)
        p.add_argument("--knowledge", type=Path, default=settings_dir,
                       help="knowledge directory (default: KNOWLEDGE_DIR or ./knowledge)")
        p.set_defaults(func=func)
        return p

    command("validate", _validate, "check the knowledge files and report every problem")
    query = command("query", _query, "answer one query, or one per line of standard input")
    query.add_argument("query", nargs="?", help="e.g. 'compare deepseek qwen'; omit to read stdin")
    query.add_argument("--json", action="store_true", help="one JSON object per answer")
    command("console", _console, "interactive prompt")
    for name, func, text in (("run", _run, "start the Discord bot"),
                             ("start", _start, "the bot with a token, else the console")):
        p = command(name, func, text)
        p.add_argument("--sync-guild", type=int, default=None,
                       help="development: sync slash commands to this guild at start")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
