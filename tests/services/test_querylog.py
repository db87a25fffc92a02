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

import bot.services.querylog_sqlite as querylog_sqlite
from bot.core import Engine, route
from bot.frontends.cli import main
from bot.frontends.console import run_console
from bot.services.querylog import QueryLog, log_answer
from bot.services.querylog_sqlite import MIGRATIONS, migrate
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


def test_off_records_nothing(tmp_path: Path) -> None:
    log = QueryLog.from_setting("off")
    assert not log.enabled
    assert not_found(log, "anything") is None
    assert log.vote(1, "someone", up=True) is False
    assert log.report().total == 0
    assert list(tmp_path.iterdir()) == []


def test_an_existing_log_is_upgraded_in_place(tmp_path: Path) -> None:
    """A file written before this version (small sequential ids) keeps its rows and votes."""
    db = tmp_path / "q.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, MIGRATIONS[:1])
    conn.execute("INSERT INTO meta VALUES ('voter_salt', ?)", ("ab" * 32,))
    conn.execute("INSERT INTO queries (id, at, front_end, command, query, normalized, kind, entities, "
                 "unknown, suggestions, version, latency_ms) VALUES (1, '2025-04-02T12:00:00.000+00:00', "
                 "'slash', 'ask', 'old one', 'old one', 'not_found', '[]', '[]', '[]', 'v1', 1.0)")
    conn.close()
    log = QueryLog(db)
    assert log.vote(1, "discord:1", up=False) is True
    new = not_found(log, "new one")
    report = log.report()
    assert (report.total, [v.query_id for v in report.most_disliked]) == (2, [1])
    assert new is not None and new > 1
    assert rows(db, "PRAGMA user_version")[0][0] == len(MIGRATIONS) == 3
    (old, _) = log.entries()
    assert (old.query, old.down, old.facts, old.dropped) == ("old one", 1, (), ())


def test_a_log_from_mains_version_2_is_upgraded_too(tmp_path: Path) -> None:
    """Version 2 was the facts and dropped columns on the branch that brought the
    report, the drops table here: a file of either kind reaches version 3 whole."""
    db = tmp_path / "q.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, (MIGRATIONS[0], "ALTER TABLE queries ADD COLUMN facts TEXT NOT NULL DEFAULT '[]';\n"
                                  "ALTER TABLE queries ADD COLUMN dropped TEXT NOT NULL DEFAULT '[]';"))
    conn.execute("INSERT INTO queries (id, at, front_end, command, query, normalized, kind, entities, "
                 "unknown, suggestions, version, latency_ms, facts, dropped) VALUES (1, "
                 "'2025-04-02T12:00:00.000+00:00', 'slash', 'about', 'about acme r1', 'about acme r1', "
                 "'entity', '[\"acme\"]', '[]', '[]', 'v1', 1.0, '[\"acme.one\"]', '[\"r1\"]')")
    conn.close()
    log = QueryLog(db)
    not_found(log, "new one")
    old, new = log.entries()
    assert (old.facts, old.dropped, new.query) == (("acme.one",), ("r1",), "new one")
    assert rows(db, "PRAGMA user_version")[0][0] == len(MIGRATIONS) == 3
    assert rows(db, "SELECT count(*) FROM drops")[0][0] == 0  # the table is there


def test_migrations_are_applied_once(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "q.sqlite3"

    def once(text: str) -> None:
        log = QueryLog(db)
        not_found(log, text)
        log.close()

    once("first")
    assert rows(db, "PRAGMA user_version")[0][0] == len(MIGRATIONS)
    once("second")  # reopening does not re-run CREATE TABLE
    extra = "ALTER TABLE queries ADD COLUMN extra TEXT;"
    monkeypatch.setattr(querylog_sqlite, "MIGRATIONS", (*MIGRATIONS, extra))
    once("third")
    once("fourth")  # would fail with "duplicate column" if re-applied
    assert rows(db, "PRAGMA user_version")[0][0] == len(MIGRATIONS) + 1
    assert [r["query"] for r in rows(db)] == ["first", "second", "third", "fourth"]


def _corrupt(tmp_path: Path) -> Path:
    path = tmp_path / "q.sqlite3"
    path.write_bytes(os.urandom(4096))
    return path


def _parent_is_a_file(tmp_path: Path) -> Path:
    (tmp_path / "data").write_text("not a directory")
    return tmp_path / "data" / "q.sqlite3"


def _repair(path: Path) -> None:
    """What a maintainer does: move the broken file or the stray one away."""
    broken = path if path.is_file() else path.parent
    broken.rename(broken.with_name(broken.name + ".broken"))


@pytest.mark.parametrize("make", [_corrupt, _parent_is_a_file])
def test_broken_database_leaves_answering_untouched_and_recovers(
        tmp_path: Path, engine: Engine, caplog, make) -> None:
    path = make(tmp_path)
    log = QueryLog(path, backoff=(0.02, 0.1), capacity=4, vote_timeout=0.3)
    lines = "about deepseek\nabout zhipu\ncompare deepseek qwen\n"
    expected, out = io.StringIO(), io.StringIO()
    run_console(engine, io.StringIO(lines), expected)
    with caplog.at_level(logging.WARNING, logger="bot.services.querylog"):
        assert run_console(engine, io.StringIO(lines), out, querylog=log) == 0
        assert out.getvalue() == expected.getvalue()
        assert log.record(front_end="cli", command="ask", query="x", kind="answer") is not None
        assert log.vote(1, "someone", up=True) is None  # not now: the database is broken
        assert not log.flush(0.5)
        assert log.record(front_end="cli", command="ask", query="y", kind="answer") is None
        stats = log.stats()
        assert (stats.waiting, stats.dropped, stats.written) == (4, 1, 0)  # 3 + 1 queued, the vote gone
        assert stats.retries >= 2
        assert "unavailable, retrying" in caplog.records[0].getMessage()
        _repair(path)
        assert log.flush(10)
    assert log.enabled
    report = log.report()
    assert (report.total, report.not_logged) == (4, 1)
    assert report.by_front_end == {"console": 3, "cli": 1}
    messages = [r.getMessage() for r in caplog.records]
    assert sum("unavailable" in m for m in messages) == 1, messages  # once per outage, not per retry
    assert sum("available again" in m for m in messages) == 1


def test_a_console_rating_the_database_cannot_take_is_not_called_a_second_one(
        tmp_path: Path, engine: Engine) -> None:
    log = QueryLog(_corrupt(tmp_path), backoff=(0.02, 0.1), vote_timeout=0.3)
    out = io.StringIO()
    assert run_console(engine, io.StringIO("about deepseek\n-\n"), out, querylog=log) == 0
    assert "could not be saved just now" in out.getvalue()
    assert "already rated" not in out.getvalue()
    log.close(0.1)


def test_read_only_database_never_raises(tmp_path: Path, engine: Engine, caplog) -> None:
    """chmod does not stop root (as in CI): there the log simply keeps working; for
    anyone else it is read-only: the entries wait, with one warning, and land once
    it is writable again."""
    folder = tmp_path / "ro"
    db = folder / "q.sqlite3"
    first = QueryLog(db)
    not_found(first, "before")
    first.close()
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        log = QueryLog(db, backoff=(0.02, 0.1))
        with caplog.at_level(logging.WARNING, logger="bot.services.querylog"):
            for line in ("about deepseek", "about qwen"):
                assert log_answer(log, "console", route(engine, line), engine, 1.0) is not None
            log.flush(0.5)
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    assert log.flush(10)
    assert [r["query"] for r in rows(db)] == ["before", "about deepseek", "about qwen"]
    if os.geteuid() != 0:
        assert sum("unavailable" in r.getMessage() for r in caplog.records) == 1


def test_report_cli(tmp_path: Path, capsys) -> None:
    db = tmp_path / "q.sqlite3"
    log = QueryLog(db)
    not_found(log, "What's the weather?", at=dt.datetime.now(dt.UTC))
    log.close()
    assert main(["report", "--db", str(db), "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Query report, the last 7 days: 1 query (0 answered, 0 unanswered, "
                          "1 not found)")
    assert "what the weather" in out
    assert main(["report", "--db", str(tmp_path / "missing.sqlite3")]) == 1
    assert "No query log" in capsys.readouterr().err
    assert not (tmp_path / "missing.sqlite3").exists()
