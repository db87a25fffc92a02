"""The query log on PostgreSQL as a fleet uses it: several processes (here QueryLog
instances, each with its own connection and writer, and real subprocesses) sharing one
real server, which also goes down and comes back."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading

import psycopg
import pytest

import bot.services.querylog_postgres as querylog_postgres
from bot.services.gaps import render
from bot.services.querylog import QueryLog, QueryLogError
from bot.services.querylog_postgres import MIGRATIONS
from tests.paths import ROOT
from tests.servers.postgres import PostgresServer
from tests.services.conftest import Backend


def ask(log: QueryLog, text: str, front_end: str = "prefix") -> int | None:
    return log.record(front_end=front_end, command="ask", query=text, kind="not_found",
                      unknown=(text,))


def schema_version(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT version FROM querylog.schema_version").fetchone()[0]


def test_two_processes_share_one_log(postgres_url: str) -> None:
    shared = Backend("postgresql", postgres_url)
    one, two = shared.log(), shared.log()
    ids: dict[str, list[int | None]] = {"one": [], "two": []}

    def burst(name: str, log: QueryLog) -> None:
        ids[name] = [ask(log, f"{name} {n}", front_end=name) for n in range(300)]

    threads = [threading.Thread(target=burst, args=item) for item in (("one", one), ("two", two))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = ids["one"] + ids["two"]
    assert None not in every and len(set(every)) == 600  # unique across the two processes
    assert one.flush(20) and two.flush(20)
    assert sorted(r["id"] for r in shared.rows()) == sorted(every)
    # a vote pressed under process one's answer, handled by process two, and the other way
    assert two.vote(ids["one"][0], "discord:7", up=False) is True
    assert one.vote(ids["one"][0], "discord:7", up=True) is False  # one salt: same person
    assert one.vote(ids["two"][5], "discord:7", up=False) is True
    for log in (one, two):  # either reads everyone's entries
        report = log.report()
        assert report.total == 600
        assert report.by_front_end == {"one": 300, "two": 300}
        assert {v.query for v in report.most_disliked} == {"one 0", "two 5"}
    assert (one.stats().written, two.stats().written) == (300, 300)


def test_migrations_run_once_when_processes_start_together(postgres_url: str, monkeypatch) -> None:
    """Would fail without the advisory lock: the second ALTER TABLE ... ADD COLUMN
    raises 'already exists', and concurrent CREATE TABLEs collide."""
    extra = "ALTER TABLE querylog.queries ADD COLUMN extra TEXT;"
    monkeypatch.setattr(querylog_postgres, "MIGRATIONS", (*MIGRATIONS, extra))
    shared = Backend("postgresql", postgres_url)
    logs = [shared.log() for _ in range(6)]
    start = threading.Barrier(len(logs))

    def begin(log: QueryLog, n: int) -> None:
        start.wait()
        ask(log, f"process {n}")

    threads = [threading.Thread(target=begin, args=(log, n)) for n, log in enumerate(logs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(log.flush(20) for log in logs)
    assert schema_version(postgres_url) == len(MIGRATIONS) + 1
    assert sorted(r["query"] for r in shared.rows()) == [f"process {n}" for n in range(6)]
    assert [log.stats().retries for log in logs] == [0] * 6  # nobody met an error


def test_database_down_then_up(own_postgres: PostgresServer, caplog) -> None:
    url = own_postgres.create_database()
    shared = Backend("postgresql", url)
    log = shared.log(capacity=3, vote_timeout=0.5)
    first = ask(log, "before")
    assert log.flush()
    own_postgres.kill()  # a crash: the writer's connection breaks under it
    with caplog.at_level(logging.WARNING, logger="bot.services.querylog"):
        queued = [ask(log, f"during {n}") for n in range(5)]
        # answered at once: three wait in the queue with their ids, two are dropped and counted
        assert all(isinstance(i, int) for i in queued[:3]) and queued[3:] == [None, None]
        assert not log.flush(1.0)
        stats = log.stats()
        assert (stats.waiting, stats.dropped, stats.written) == (3, 2, 1)
        assert stats.down_since is not None and stats.retries >= 2
        assert log.vote(first, "discord:1", up=True) is None  # "try again later", within 0.5 s
        with pytest.raises(QueryLogError):  # an OSError: the callers' except clauses hold
            log.report()
        own_postgres.start()
        assert log.flush(30)
    report = log.report()
    assert report.total == 4
    assert report.not_logged == 2  # told to the database, so every process's report shows it
    assert ", 2 more not logged: the database was down" in render(report).splitlines()[0]
    assert Backend("postgresql", url).log().report().not_logged == 2  # another process sees it too
    assert log.vote(first, "discord:1", up=True) is True
    stats = log.stats()
    assert (stats.waiting, stats.dropped, stats.written, stats.down_since) == (0, 2, 4, None)
    messages = [r.getMessage() for r in caplog.records]
    assert sum("unavailable" in m for m in messages) == 1  # one warning per outage, not per retry
    assert sum("available again" in m for m in messages) == 1


def test_url_password_never_in_messages(postgres_server: PostgresServer, caplog) -> None:
    url = f"postgresql://postgres:s3cret-pw@127.0.0.1:{postgres_server.port}/no_such_db"
    log = QueryLog(url, backoff=(0.02, 0.1))
    with caplog.at_level(logging.WARNING, logger="bot.services.querylog"):
        assert ask(log, "x") is not None
        assert not log.flush(1.0)
        with pytest.raises(QueryLogError) as raised:
            log.report()
    log.close(0.1)
    assert caplog.records
    for text in [r.getMessage() for r in caplog.records] + [str(raised.value), log.name]:
        assert "s3cret-pw" not in text
    assert log.stats().dropped == 1  # not written by close: counted


def test_command_line_logs_to_postgres_and_reports(postgres_url: str) -> None:
    env = {**os.environ, "QUERY_LOG": postgres_url}
    for line in ("about deepseek", "about zhipu"):
        result = subprocess.run([sys.executable, "-m", "bot", "query", line], capture_output=True,
                                text=True, timeout=60, cwd=ROOT, env=env)
        assert result.returncode == 0, result.stderr
    # each process wrote its entry before exiting
    rows = Backend("postgresql", postgres_url).rows()
    assert [(r["front_end"], r["query"]) for r in rows] == [("cli", "about deepseek"),
                                                            ("cli", "about zhipu")]
    result = subprocess.run([sys.executable, "-m", "bot", "report"], capture_output=True, text=True,
                            timeout=60, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Query report, all time: 2 queries")
    assert "   1  zhipu" in result.stdout


def test_a_vote_for_an_answer_another_process_has_not_written_yet(postgres_url: str) -> None:
    """Process one's writer is held up (another session holds the table in SHARE mode,
    which stops inserts but not reads); a press handled by process two meanwhile is
    not refused as 'already rated': try again, and then it counts."""
    shared = Backend("postgresql", postgres_url)
    one, two = shared.log(), shared.log()
    ask(one, "warm up")
    assert one.flush() and two.vote(shared.rows()[0]["id"], "discord:1", up=True) is True
    with psycopg.connect(postgres_url) as blocker:
        blocker.execute("LOCK TABLE querylog.queries IN SHARE MODE")
        late = ask(one, "written late")
        assert late is not None and not one.flush(0.5)
        assert two.vote(late, "discord:1", up=False) is None
    assert one.flush(10)
    assert two.vote(late, "discord:1", up=False) is True
    assert [v.query for v in one.report().most_disliked] == ["written late"]


def test_processes_starting_together_on_a_new_database(postgres_url: str) -> None:
    """Three real processes, started at once on an empty database: the migrations run
    once (the others wait on the advisory lock), every answer is logged with its own id."""
    env = {**os.environ, "QUERY_LOG": postgres_url}
    lines = "".join(f"about company {n}\n" for n in range(20))
    processes = [subprocess.Popen([sys.executable, "-m", "bot", "query"], stdin=subprocess.PIPE,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                  cwd=ROOT, env=env) for _ in range(3)]
    for process in processes:
        _, err = process.communicate(lines, timeout=120)
        assert process.returncode == 0, err
        assert "query log" not in err  # no warning: nobody met an error
    rows = Backend("postgresql", postgres_url).rows()
    assert len(rows) == len({r["id"] for r in rows}) == 60
    assert schema_version(postgres_url) == len(MIGRATIONS)
