from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import bot.services.querylog as querylog_module
from bot.core import Engine, route
from bot.frontends.cli import main
from bot.frontends.console import run_console
from bot.services.gaps import render
from bot.services.querylog import MIGRATIONS, QueryLog, alog_answer, log_answer
from tests.paths import ROOT

T0 = dt.datetime(2025, 4, 2, 12, 0, tzinfo=dt.UTC)


def rows(path: Path, sql: str = "SELECT * FROM queries ORDER BY id") -> list[sqlite3.Row]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def not_found(log: QueryLog, text: str, *, front_end: str = "console", at: dt.datetime = T0,
              suggestions: tuple[str, ...] = (), unknown: tuple[str, ...] = ()) -> int | None:
    return log.record(front_end=front_end, command="ask", query=text, kind="not_found",
                      suggestions=suggestions, unknown=unknown, at=at)


def test_console_records_each_query(tmp_path: Path, engine: Engine) -> None:
    db = tmp_path / "logs" / "queries.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input="about deepseek\nabout zhipu\nquit\n",
        capture_output=True, text=True, timeout=60, cwd=ROOT,
        env={**os.environ, "DISCORD_TOKEN": "", "QUERY_LOG": str(db)})
    assert result.returncode == 0, result.stderr
    first, second = rows(db)
    assert set(first.keys()) == {"id", "at", "front_end", "command", "query", "normalized", "kind",
                                 "entities", "unknown", "suggestions", "took_suggestion", "version",
                                 "latency_ms", "facts", "dropped"}  # nothing about who asked
    assert (first["front_end"], first["command"], first["kind"]) == ("console", "about", "entity")
    assert json.loads(first["entities"]) == ["deepseek"]
    assert json.loads(first["facts"]) and all(isinstance(f, str) for f in json.loads(first["facts"]))
    assert first["version"] == engine.kb.version
    assert first["latency_ms"] > 0
    assert dt.datetime.fromisoformat(first["at"]).utcoffset() == dt.timedelta(0)
    assert (second["query"], second["normalized"], second["kind"]) == ("about zhipu", "about zhipu",
                                                                       "not_found")
    assert json.loads(second["unknown"]) == ["zhipu"]


def test_query_command_records_as_cli(tmp_path: Path) -> None:
    db = tmp_path / "queries.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "query", "compare deepseek qwen"], capture_output=True,
        text=True, timeout=60, cwd=ROOT, env={**os.environ, "QUERY_LOG": str(db)})
    assert result.returncode == 0
    (row,) = rows(db)
    assert (row["front_end"], row["command"], row["kind"]) == ("cli", "compare", "comparison")
    assert json.loads(row["entities"]) == ["deepseek", "qwen"]


def test_discord_mentions_are_not_stored(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "q.sqlite3")
    not_found(log, "<@!1234> what does <@&55> think of <#66>?")
    (row,) = rows(tmp_path / "q.sqlite3")
    assert row["query"] == "@someone what does @someone think of @someone?"
    assert "1234" not in row["normalized"]


def test_off_records_nothing(tmp_path: Path, monkeypatch) -> None:
    log = QueryLog.from_setting("off")
    assert not log.enabled
    assert not_found(log, "anything") is None
    assert log.vote(1, "someone", up=True) is False


def test_report_groups_unanswered_questions_by_normalised_text(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "q.sqlite3")
    not_found(log, "What's the weather?", unknown=("weather",))
    not_found(log, "what's the weather", unknown=("weather",), front_end="slash")
    not_found(log, "who is zhipu", unknown=("zhipu",))
    log.record(front_end="prefix", command="about", query="deepseek", kind="entity",
               entities=("deepseek",))
    report = log.report()
    assert report.total == 4
    assert report.unanswered == [("what the weather", 2), ("who is zhipu", 1)]
    assert [(n.name, n.count) for n in report.unknown_names] == [("zhipu", 1)]  # "weather" is English
    assert report.by_command == {"ask": 3, "about": 1}
    assert report.by_front_end == {"console": 2, "prefix": 1, "slash": 1}
    text = render(report)
    assert "   2  what the weather" in text
    assert "   1  zhipu  e.g. “who is zhipu”" in text


def test_report_days_window(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "q.sqlite3")
    now = dt.datetime.now(dt.UTC)
    not_found(log, "old question", at=now - dt.timedelta(days=30))
    not_found(log, "new question", at=now - dt.timedelta(hours=1))
    assert [t for t, _ in log.report(days=7).unanswered] == ["new question"]
    assert log.report().total == 2


def test_taken_suggestions(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "q.sqlite3")

    def about(eid: str, at: dt.datetime, front_end: str = "console") -> int | None:
        return log.record(front_end=front_end, command="about", query=eid, kind="entity",
                          entities=(eid,), at=at)

    not_found(log, "about ali", suggestions=("alibaba", "openai"))
    about("alibaba", T0 + dt.timedelta(minutes=1))                   # taken
    not_found(log, "about ali", suggestions=("alibaba", "openai"), at=T0 + dt.timedelta(minutes=2))
    about("openai", T0 + dt.timedelta(minutes=3), front_end="slash")  # another front end
    about("openai", T0 + dt.timedelta(minutes=8))                     # too late
    not_found(log, "about ali", suggestions=("alibaba",), at=T0 + dt.timedelta(minutes=9))
    about("baidu", T0 + dt.timedelta(minutes=10))                     # not offered
    report = log.report()
    assert report.suggestions_taken == [("alibaba", 1)]
    assert report.suggestions_offered == 3


def test_log_answer_takes_everything_from_the_answer(tmp_path: Path, engine: Engine) -> None:
    log = QueryLog(tmp_path / "q.sqlite3")
    for line in ("about ali", "about alibaba"):
        log_answer(log, "prefix", route(engine, line), engine, latency_ms=1.5)
    offered, taken = rows(tmp_path / "q.sqlite3")
    assert json.loads(offered["suggestions"]) == ["alibaba", "openai"]  # ids, not display names
    assert json.loads(offered["unknown"]) == ["ali"]
    assert taken["took_suggestion"] == "alibaba"
    assert taken["latency_ms"] == 1.5


async def test_async_wrappers(tmp_path: Path, engine: Engine) -> None:
    log = QueryLog(tmp_path / "q.sqlite3")
    query_id = await alog_answer(log, "slash", route(engine, "about qwen"), engine, 2.0)
    assert query_id == 1
    assert await log.avote(query_id, "voter", up=False) is True
    assert log.record(front_end="dm", command="help", query="help", kind="help") == 2


def test_one_vote_per_person_per_answer(tmp_path: Path) -> None:
    db = tmp_path / "q.sqlite3"
    log = QueryLog(db)
    answer = not_found(log, "bad answer")
    other = not_found(log, "good answer")
    assert log.vote(answer, "discord:1", up=False) is True
    assert log.vote(answer, "discord:1", up=False) is False  # same person again
    assert log.vote(answer, "discord:1", up=True) is False  # changing their mind: first vote stands
    assert log.vote(answer, "discord:2", up=False) is True
    assert log.vote(answer, "discord:3", up=True) is True
    assert log.vote(other, "discord:1", up=True) is True  # another answer
    assert log.vote(999, "discord:1", up=True) is False  # no such answer
    votes = rows(db, "SELECT * FROM votes")
    assert len(votes) == 4
    assert not any("discord" in v["voter_hash"] for v in votes)
    (worst,) = log.report().most_disliked
    assert (worst.query, worst.up, worst.down) == ("bad answer", 1, 2)


def test_voter_hashes_differ_between_databases(tmp_path: Path) -> None:
    hashes = []
    for name in ("a.sqlite3", "b.sqlite3"):
        log = QueryLog(tmp_path / name)
        log.vote(not_found(log, "q"), "discord:1", up=True)
        hashes.append(rows(tmp_path / name, "SELECT voter_hash FROM votes")[0][0])
    assert hashes[0] != hashes[1]
    reopened = QueryLog(tmp_path / "a.sqlite3")  # the salt is kept: still one vote each
    assert reopened.vote(1, "discord:1", up=False) is False


def test_migrations_are_applied_once(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "q.sqlite3"
    not_found(QueryLog(db), "first")
    assert rows(db, "PRAGMA user_version")[0][0] == len(MIGRATIONS) == 2
    not_found(QueryLog(db), "second")  # reopening does not re-run CREATE TABLE
    extra = "ALTER TABLE queries ADD COLUMN extra TEXT;"
    monkeypatch.setattr(querylog_module, "MIGRATIONS", (*MIGRATIONS, extra))
    not_found(QueryLog(db), "third")
    not_found(QueryLog(db), "fourth")  # would fail with "duplicate column" if re-applied
    assert rows(db, "PRAGMA user_version")[0][0] == 3
    assert [r["query"] for r in rows(db)] == ["first", "second", "third", "fourth"]


def _corrupt(tmp_path: Path) -> Path:
    path = tmp_path / "q.sqlite3"
    path.write_bytes(os.urandom(4096))
    return path


def _parent_is_a_file(tmp_path: Path) -> Path:
    (tmp_path / "data").write_text("not a directory")
    return tmp_path / "data" / "q.sqlite3"


@pytest.mark.parametrize("make", [_corrupt, _parent_is_a_file])
def test_broken_database_leaves_answering_untouched_and_warns_once(
        tmp_path: Path, engine: Engine, caplog, make) -> None:
    log = QueryLog(make(tmp_path))
    lines = "about deepseek\nabout zhipu\ncompare deepseek qwen\n"
    expected, out = io.StringIO(), io.StringIO()
    run_console(engine, io.StringIO(lines), expected)
    with caplog.at_level(logging.WARNING, logger="bot.services.querylog"):
        assert run_console(engine, io.StringIO(lines), out, querylog=log) == 0
        assert log.record(front_end="cli", command="ask", query="x", kind="answer") is None
        assert log.vote(1, "someone", up=True) is False
    assert out.getvalue() == expected.getvalue()
    assert len(caplog.records) == 1
    assert "query log" in caplog.records[0].getMessage()
    assert not log.enabled


def test_read_only_database_never_raises(tmp_path: Path, engine: Engine, caplog) -> None:
    """chmod does not stop root (as in CI): there the log simply keeps working;
    for anyone else it is read-only, and must warn once and carry on."""
    folder = tmp_path / "ro"
    db = folder / "q.sqlite3"
    not_found(QueryLog(db), "before")
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        log = QueryLog(db)
        with caplog.at_level(logging.WARNING, logger="bot.services.querylog"):
            for line in ("about deepseek", "about qwen"):
                log_answer(log, "console", route(engine, line), engine, 1.0)
            log.vote(1, "someone", up=True)
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    if os.geteuid() != 0:
        assert len(caplog.records) == 1
        assert not log.enabled


def test_report_cli(tmp_path: Path, capsys) -> None:
    db = tmp_path / "q.sqlite3"
    not_found(QueryLog(db), "What's the weather?", at=dt.datetime.now(dt.UTC))
    assert main(["report", "--db", str(db), "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Query report, the last 7 days: 1 query (0 answered, 0 unanswered, "
                          "1 not found)")
    assert "what the weather" in out
    assert main(["report", "--db", str(tmp_path / "missing.sqlite3")]) == 1
    assert "No query log" in capsys.readouterr().err
    assert not (tmp_path / "missing.sqlite3").exists()
