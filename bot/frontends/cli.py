"""`python -m bot ...`: the command-line front end."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from pathlib import Path

from bot.core import Engine, route, startup
from bot.frontends.console import PICTURES, picture_name
from bot.knowledge import KnowledgeError, Loader
from bot.output.json import to_json
from bot.output.text import render_text
from bot.services.querylog import QueryLog, log_answer
from bot.shared.formats import plural
from bot.shared.settings import Settings, SettingsError


def _load_engine(path: Path, cache_dir: Path | None = None) -> Engine | None:
    return _engine_from(path, cache_dir)[1]


def _engine_from(path: Path, cache_dir: Path | None) -> tuple[Loader | None, Engine | None]:
    """The loader and engine, from the start-up cache when `cache_dir` is given."""
    try:
        return startup.start(path, cache_dir)
    except KnowledgeError as exc:
        print(f"{path}: {plural(len(exc.problems), 'problem')}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return None, None


def _validate(args: argparse.Namespace) -> int:
    engine = _load_engine(args.knowledge)
    if engine is None:
        return 1
    # Every source needs its record under seeds/ (beside the knowledge directory):
    # the per-paragraph summary a reviewer checks the facts against.
    project = Path(args.knowledge).resolve().parent
    missing = [(s, engine.kb.locations.get(f"source:{s.id}")) for s in engine.kb.sources.values()
               if not (project / s.record).is_file()]
    if missing:
        print(f"{args.knowledge}: {plural(len(missing), 'problem')}:", file=sys.stderr)
        for source, where in missing:
            place = f"{where.file}:{where.line}" if where else "?"
            print(f"  {place} [{source.id}]: no source record at {source.record}: write it "
                  "(metadata and a summary of each paragraph)", file=sys.stderr)
        return 1
    print(f"{args.knowledge}: OK: {engine.kb.summary()}")
    return 0


def _query(args: argparse.Namespace) -> int:
    engine = _load_engine(args.knowledge, args.settings.cache_dir)
    if engine is None:
        return 1
    lines = [args.query] if args.query is not None else (line.rstrip("\n") for line in sys.stdin)
    status = 0
    querylog = QueryLog.from_setting(args.settings.query_log)
    for n, line in enumerate(lines, 1):
        start = time.perf_counter()
        answer = route(engine, line)
        log_answer(querylog, "cli", answer, engine, (time.perf_counter() - start) * 1000)
        if args.json:
            print(json.dumps(to_json(answer), ensure_ascii=False), flush=True)
        else:
            print(render_text(answer), end="\n\n" if args.query is None else "\n")
        report = sys.stderr if args.json else sys.stdout
        if args.out is not None:
            out = args.out if args.query is not None else args.out.with_stem(f"{args.out.stem}-{n}")
            status |= _write_picture(engine, answer, out, report)
        elif answer.picture is not None:  # never only the text of a picture
            status |= _write_picture(engine, answer, args.pictures / picture_name(answer), report)
    return status


def _write_picture(engine: Engine, answer, path: Path, report) -> int:
    """--out: the PNG an answer asks for (`landscape`, `compare A B --card`)."""
    from bot.output.pictures import PictureCache

    data = PictureCache(maxsize=1).picture_for(engine.kb, answer)
    if data is None:
        print("No picture for this answer: --out works with `landscape [name]` and "
              "`compare A B --card`.", file=sys.stderr)
        return 1
    return _write_png(data, path, report)


def _write_png(data: bytes, path: Path, report) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        print(f"{path}: cannot write the picture: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Picture: {path}", file=report, flush=True)
    return 0


def _console(args: argparse.Namespace) -> int:
    from bot.frontends.console import run_console

    loader, engine = _engine_from(args.knowledge, args.settings.cache_dir)
    querylog = QueryLog.from_setting(args.settings.query_log)
    return 1 if engine is None else run_console(engine, querylog=querylog, loader=loader,
                                                pictures=args.pictures)


def _draft(args: argparse.Namespace) -> int:
    from bot.tools.draft import DraftError, SourceMeta, make_draft

    engine = _load_engine(args.knowledge)
    if engine is None:
        return 1
    meta = SourceMeta(args.source_id, args.title, args.outlet, args.date, args.url)
    try:
        path, draft = make_draft(engine, args.article, meta, args.out, args.knowledge)
    except DraftError as exc:
        print(f"draft: {exc}", file=sys.stderr)
        return 1
    print(f"Draft: {path}: {plural(len(draft['facts']), 'candidate fact')}, "
          f"{plural(len(draft['new_entities']), 'candidate new entity', 'candidate new entities')}. "
          "Edit it, then run "
          f"`python -m bot accept {path}` and !reload.")
    return 0


def _accept(args: argparse.Namespace) -> int:
    from bot.tools.accept import AcceptError, accept

    try:
        written = accept(args.draft, args.knowledge)
    except AcceptError as exc:
        print(f"accept: {args.draft}: refused ({plural(len(exc.problems), 'problem')}):",
              file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    for path in written:
        print(f"Wrote {path}")
    print(f"{args.knowledge}: OK. Now !reload (or /reload) in Discord.")
    return 0


def _report(args: argparse.Namespace) -> int:
    """What to add, from the query log; with the knowledge directory loaded, names
    the base has learnt since are marked; --out writes the weekly picture."""
    from bot.services.gaps import render, weekly_series

    querylog = QueryLog.from_setting(args.db if args.db is not None else args.settings.query_log)
    if not querylog.exists():
        print(f"No query log at {querylog.name if querylog.enabled else '(QUERY_LOG=off)'}: "
              "nothing recorded yet?", file=sys.stderr)
        return 1
    engine = _load_engine(args.knowledge)
    if engine is None:
        print("(names are not checked against the current base)", file=sys.stderr)
    try:
        report = querylog.report(args.days, engine=engine)
    except OSError as exc:  # the file, or QueryLogError: the database cannot be read
        print(f"{querylog.name}: cannot read the query log: {exc}", file=sys.stderr)
        return 1
    print(render(report))
    if args.out is not None:
        from bot.output.pictures.weekly import render_weekly

        return _write_png(render_weekly(weekly_series(report)), args.out, sys.stdout)
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot.frontends.discord.runner import run_bot

    settings = args.settings.model_copy(update={"knowledge_dir": args.knowledge})
    return run_bot(settings, sync_guild=args.sync_guild)


def _cluster(args: argparse.Namespace) -> int:
    from bot.frontends.supervisor import run_cluster

    if args.settings.discord_token is None and args.child is None:
        print("DISCORD_TOKEN is not set: put it in the environment or in .env (see "
              ".env.example); every process of the cluster uses it.", file=sys.stderr)
        return 2
    return run_cluster(args.processes, args.shard_count or args.settings.shard_count,
                       args.settings.redis_url, shlex.split(args.child) if args.child else None)


def _start(args: argparse.Namespace) -> int:
    """What `make run` does: the bot when there is a token, the console otherwise."""
    if args.settings.discord_token is None:
        print("No DISCORD_TOKEN set (environment or .env; see .env.example): "
              "opening the console instead.", file=sys.stderr)
        return _console(args)
    return _run(args)


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    settings_dir = settings.knowledge_dir
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, func, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help)
        p.add_argument("--knowledge", type=Path, default=settings_dir,
                       help="knowledge directory (default: KNOWLEDGE_DIR or ./knowledge)")
        p.set_defaults(func=func)
        return p

    def pictures(p: argparse.ArgumentParser) -> None:
        p.add_argument("--pictures", type=Path, default=PICTURES, metavar="DIR",
                       help="where `landscape` and `compare A B --card` write their PNG "
                            f"(default: ./{PICTURES})")

    command("validate", _validate, "check the knowledge files and report every problem")
    query = command("query", _query, "answer one query, or one per line of standard input")
    query.add_argument("query", nargs="?", help="e.g. 'compare deepseek qwen'; omit to read stdin")
    query.add_argument("--json", action="store_true", help="one JSON object per answer")
    query.add_argument("--out", type=Path, default=None, metavar="PATH",
                       help="write the answer's picture (PNG) here: `landscape [name]`, "
                            "`compare A B --card`; reading stdin, PATH-1.png, PATH-2.png, ...")
    pictures(query)
    pictures(command("console", _console, "interactive prompt"))
    draft = command("draft", _draft, "draft candidate facts from a plain-text article (not into knowledge/)")
    draft.add_argument("article", type=Path, help="plain text, blank lines between paragraphs")
    draft.add_argument("--source-id", required=True, help="id for the new source, e.g. ft-2025-04-zhipu")
    draft.add_argument("--title")
    draft.add_argument("--outlet")
    draft.add_argument("--date", help="publication date, YYYY[-MM[-DD]]: relative dates resolve against it")
    draft.add_argument("--url")
    draft.add_argument("--out", type=Path, help="where to write (default: drafts/SOURCE-ID.yaml)")
    accept = command("accept", _accept, "check an edited draft and move it into the knowledge directory")
    accept.add_argument("draft", type=Path, help="the edited draft (drafts/SOURCE-ID.yaml)")
    report = command("report", _report, "what to add: unknown names, unanswered questions, "
                     "disliked answers, questions per week")
    report.add_argument("--days", type=int, default=None, help="only the last N days (default: all)")
    report.add_argument("--db", default=None,
                        help="query log, a file or a postgresql:// URL (default: QUERY_LOG setting)")
    report.add_argument("--out", type=Path, default=None, metavar="PATH",
                        help="also write the picture of questions per week (PNG) here")
    cluster = sub.add_parser("cluster", help="several local bot processes on disjoint shards, "
                                             "one Redis; restarts a crashed one")
    cluster.add_argument("--processes", type=int, required=True, metavar="N")
    cluster.add_argument("--shard-count", type=int, default=None, metavar="M",
                         help="shards in all (default: SHARD_COUNT, else one per process)")
    cluster.add_argument("--child", default=None, help=argparse.SUPPRESS)  # tests: another command
    cluster.set_defaults(func=_cluster)
    for name, func, text in (("run", _run, "start the Discord bot"),
                             ("start", _start, "the bot with a token, else the console")):
        p = command(name, func, text)
        p.add_argument("--sync-guild", type=int, default=None,
                       help="development: sync slash commands to this guild at start")
        pictures(p)  # `start` may open the console
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        settings = Settings.load()  # environment and .env, read once
    except SettingsError as exc:
        for line in exc.lines:
            print(f"Bad setting (environment or .env): {line}", file=sys.stderr)
        return 2
    args = build_parser(settings).parse_args(argv)
    args.settings = settings
    try:
        return args.func(args)
    except BrokenPipeError:
        # `python -m bot query ... | head`: the reader has gone; stop quietly, as Unix tools
        # do, and keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
