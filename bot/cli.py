"""`python -m bot ...`: the command-line front end."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.knowledge import KnowledgeError, load

DEFAULT_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


def _validate(args: argparse.Namespace) -> int:
    try:
        kb = load(args.knowledge)
    except KnowledgeError as exc:
        print(f"{args.knowledge}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"{args.knowledge}: OK: {kb.summary()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check the knowledge files and report every problem")
    validate.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE)
    validate.set_defaults(func=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
