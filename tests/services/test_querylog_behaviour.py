"""What the query log does, the same on SQLite and on PostgreSQL (the `backend` fixture
runs each test on both)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

import psycopg

from bot.core import Engine, route
from bot.services.gaps import render
from bot.services.querylog import QueryLog, alog_answer, log_answer
from bot.services.querylog_model import Entry
from tests.services.conftest import Backend

T0 = dt.datetime(2025, 4, 2, 12, 0, tzinfo=dt.UTC)


def not_found(log: QueryLog, text: str, *, front_end: str = "console", at: dt.datetime = T0,
              suggestions: tuple[str, ...] = (), unknown: tuple[str, ...] = ()) -> int | None:
    return log.record(front_end=front_end, command="ask", query=text, kind="not_found",
                      suggestions=suggestions, unknown=unknown, at=at)


def test_discord_mentions_are_not_stored(backend: Backend) -> None:
    log = backend.log()
    not_found(log, "<@!1234> what does <@&55> think of <#66>?")
    assert log.flush()
    (row,) = backend.rows()
    assert row["query"] == "@someone what does @someone think of @someone?"
    assert "1234" not in row["normalized"]


def test_text_no_database_could_hold_is_logged_all_the_same(backend: Backend) -> None:
    """A NUL (PostgreSQL text refuses it) and a lone surrogate (from a JSON escape:
    not encodable) in the question and the names it asked about."""
    log = backend.log()
    not_found(log, "who is \x00zhipu\ud800?", unknown=("zhipu\ud800",))
    assert log.flush()
    (row,) = backend.rows()
    assert (row["query"], row["unknown"]) == ("who is zhipu??", ["zhipu?"])
    assert log.stats().refused == 0


def test_an_entry_the_database_refuses_spoils_no_other(backend: Backend) -> None:
    """An id already taken (what a clash of two processes' ids would do: one chance in
    four million for two entries in the same millisecond) and text that cannot be
    encoded (record() cleans it first; the backend must cope all the same)."""
    if backend.kind == "sqlite":
        from bot.services.querylog_sqlite import SqliteStore as open_store
    else:
        from bot.services.querylog_postgres import PostgresStore as open_store
    store = open_store(backend.target)

    def entry(id_: int, text: str) -> Entry:
        return Entry(id_, T0, "slash", "ask", text, text, "not_found")

    try:
        assert store.write([entry(7, "first")]) == 0
        assert store.write([entry(8, "second"), entry(7, "clash"), entry(10, "bad \ud800"),
                            entry(9, "third")]) == 2
    finally:
        store.close()
    assert [(r["id"], r["query"]) for r in backend.rows()] == [(7, "first"), (8, "second"),
                                                               (9, "third")]


def test_report_groups_unanswered_questions_by_normalised_text(backend: Backend) -> None:
    log = backend.log()
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
    assert report.not_logged == 0
    text = render(report)
    assert text.startswith("Query report, all time: 4 queries (1 answered, 0 unanswered, "
                           "3 not found)\n")
    assert "   2  what the weather" in text
    assert "   1  zhipu  e.g. “who is zhipu”" in text


def test_report_days_window(backend: Backend) -> None:
    log = backend.log()
    now = dt.datetime.now(dt.UTC)
    not_found(log, "old question", at=now - dt.timedelta(days=30))
    not_found(log, "new question", at=now - dt.timedelta(hours=1))
    assert [t for t, _ in log.report(days=7).unanswered] == ["new question"]
    assert log.report().total == 2


def test_taken_suggestions(backend: Backend) -> None:
    log = backend.log()

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


def test_log_answer_takes_everything_from_the_answer(backend: Backend, engine: Engine) -> None:
    log = backend.log()
    ids = [log_answer(log, "prefix", route(engine, line), engine, latency_ms=1.5)
           for line in ("about ali", "about alibaba")]
    assert log.flush()
    offered, taken = backend.rows()
    assert [offered["id"], taken["id"]] == ids
    assert offered["suggestions"] == ["alibaba", "openai"]  # ids, not display names
    assert offered["unknown"] == ["ali"]
    assert (offered["command"], offered["kind"], offered["version"]) == ("about", "not_found",
                                                                        engine.kb.version)
    assert taken["took_suggestion"] == "alibaba"
    assert taken["entities"] == ["alibaba"]
    assert taken["latency_ms"] == 1.5


async def test_async_wrappers(backend: Backend, engine: Engine) -> None:
    log = backend.log()
    query_id = await alog_answer(log, "slash", route(engine, "about qwen"), engine, 2.0)
    assert isinstance(query_id, int) and query_id > 0
    assert await log.avote(query_id, "voter", up=False) is True
    later = log.record(front_end="dm", command="help", query="help", kind="help")
    assert later is not None and later > query_id  # one process's ids go up
    assert log.report().by_front_end == {"dm": 1, "slash": 1}


def test_one_vote_per_person_per_answer(backend: Backend) -> None:
    log = backend.log()
    answer = not_found(log, "bad answer")
    other = not_found(log, "good answer")
    assert log.vote(answer, "discord:1", up=False) is True  # right after: the vote follows it
    assert log.vote(answer, "discord:1", up=False) is False  # same person again
    assert log.vote(answer, "discord:1", up=True) is False  # changing their mind: first vote stands
    assert log.vote(answer, "discord:2", up=False) is True
    assert log.vote(answer, "discord:3", up=True) is True
    assert log.vote(other, "discord:1", up=True) is True  # another answer
    assert log.vote(999, "discord:1", up=True) is None  # no such answer (yet): try later
    assert log.vote(2**70, "discord:1", up=True) is False  # not even an id (a forged button)
    votes = backend.rows("votes")
    assert len(votes) == 4
    assert not any("discord" in v["voter_hash"] for v in votes)
    (worst,) = log.report().most_disliked
    assert (worst.query, worst.query_id, worst.up, worst.down) == ("bad answer", answer, 1, 2)


def test_voter_hashes_differ_between_databases(backend: Backend, tmp_path, request) -> None:
    other = (str(tmp_path / "b.sqlite3") if backend.kind == "sqlite"
             else request.getfixturevalue("postgres_server").create_database())
    hashes = []
    for b in (backend, Backend(backend.kind, other)):
        log = b.log()
        assert log.vote(not_found(log, "q"), "discord:1", up=True) is True
        hashes.append(b.rows("votes")[0]["voter_hash"])
        log.close()
    assert hashes[0] != hashes[1]
    reopened = backend.log()  # the salt is kept: still one vote each
    assert reopened.vote(backend.rows()[0]["id"], "discord:1", up=False) is False


def _hold_lock(backend: Backend, held: threading.Event, release: threading.Event) -> None:
    """Another process holding the log's table, as a long transaction would."""
    if backend.kind == "sqlite":
        conn = sqlite3.connect(backend.target, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        held.set()
        release.wait(30)
        conn.execute("COMMIT")
        conn.close()
    else:
        with psycopg.connect(backend.target) as conn:
            conn.execute("LOCK TABLE querylog.queries IN ACCESS EXCLUSIVE MODE")
            held.set()
            release.wait(30)


def test_a_locked_database_delays_no_answer_and_loses_no_entry(backend: Backend, engine: Engine,
                                                              caplog) -> None:
    """A lock held past the busy timeout used to switch the log off for good."""
    log = backend.log()
    first = not_found(log, "before")
    assert log.flush()
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(backend, held, release))
    holder.start()
    assert held.wait(10)
    try:
        ids = [log_answer(log, "prefix", route(engine, f"about {name}"), engine, 1.0)
               for name in ("deepseek", "qwen", "zhipu")]
        # recorded, with their ids, while the table is locked: nobody waited for the database
        assert all(isinstance(i, int) for i in ids) and len({first, *ids}) == 4
        assert log.stats().waiting == 3
        if backend.kind == "sqlite":  # past the 2 s busy timeout: an error, and a retry
            assert not log.flush(3.5)
            assert log.stats().retries >= 1
    finally:
        release.set()
        holder.join()
    assert log.flush(20)
    assert [r["id"] for r in backend.rows()] == [first, *ids]
    stats = log.stats()
    assert (stats.written, stats.waiting, stats.dropped, stats.down_since) == (4, 0, 0, None)
    assert log.enabled
