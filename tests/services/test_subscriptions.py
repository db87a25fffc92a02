"""The subscription stores, in the query log's database: a SQLite file, or
PostgreSQL (each test runs on both)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from bot.services.querylog import QueryLog
from bot.services.subscriptions import (
    MAX_FAILURES,
    SQLiteSubscriptions,
    SQLSubscriptions,
    StoreError,
    open_store,
)
from bot.services.subscriptions_postgres import PostgresSubscriptions

Opener = Callable[[], SQLSubscriptions]


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """QUERY_LOG: the file or the database both the log and the store use."""
    if request.param == "sqlite":
        return str(tmp_path / "q.sqlite3")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def opener(target: str) -> Iterator[Opener]:
    """A store on that database; a second call, as a second process would."""
    opened: list[SQLSubscriptions] = []

    def open_one() -> SQLSubscriptions:
        store = open_store(target)
        assert store is not None
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        store.close()


def test_subscribe_list_replace_unsubscribe(opener: Opener) -> None:
    store = opener()
    store.subscribe(1, 10, [])
    store.subscribe(1, 11, ["deepseek", "qwen"])
    store.subscribe(2, 20, ["baidu"])
    assert [(s.channel_id, s.entities) for s in store.in_guild(1)] == [
        (10, ()), (11, ("deepseek", "qwen"))]
    store.subscribe(1, 11, ["qwen"])  # replaces
    assert [s.entities for s in store.in_guild(1)] == [(), ("qwen",)]
    assert store.unsubscribe(1, 11) and not store.unsubscribe(1, 11)
    assert [s.channel_id for s in store.everything()] == [10, 20]


def test_shares_the_query_log_database_and_survives_reopening(target: str, opener: Opener) -> None:
    querylog = QueryLog(target)
    querylog.record(front_end="cli", command="ask", query="hello", kind="answer")
    opener().subscribe(1, 10, ["acme"])
    querylog.record(front_end="cli", command="ask", query="again", kind="answer")
    assert querylog.report().total == 2
    assert [s.entities for s in opener().everything()] == [("acme",)]
    querylog.close()


def test_a_channel_is_dropped_after_repeated_failures_and_a_success_resets(opener: Opener) -> None:
    store = opener()
    store.subscribe(1, 10, [])
    for _ in range(MAX_FAILURES - 1):
        assert not store.failed(1, 10)
    store.delivered(1, 10)
    assert store.everything()[0].failures == 0
    dropped = [store.failed(1, 10) for _ in range(MAX_FAILURES)]
    assert dropped == [False] * (MAX_FAILURES - 1) + [True]
    assert store.everything() == []


def test_one_claim_per_channel_and_reload_across_stores(opener: Opener) -> None:
    first, second = opener(), opener()  # two processes
    assert first.claim(10, "a>b") and not second.claim(10, "a>b")
    assert second.claim(11, "a>b") and second.claim(10, "b>c")


def test_each_backend_is_where_the_query_log_is(tmp_path: Path, postgres_url: str) -> None:
    assert open_store("off") is None
    assert isinstance(open_store(str(tmp_path / "q.sqlite3")), SQLiteSubscriptions)
    store = open_store(postgres_url)
    assert isinstance(store, PostgresSubscriptions)
    store.subscribe(1, 10, ["acme"])
    store.close()
    assert list(tmp_path.iterdir()) == []  # no file named after the URL
    with psycopg.connect(postgres_url) as conn:  # its own schema, beside the query log's
        assert conn.execute("SELECT entities FROM news.news_subscriptions").fetchall() == [("acme",)]


def test_off_and_unreadable(tmp_path: Path, postgres_server) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError):
        SQLiteSubscriptions(bad).everything()
    assert issubclass(StoreError, Exception) and not issubclass(StoreError, sqlite3.Error)
    url = f"postgresql://postgres:s3cret-pw@127.0.0.1:{postgres_server.port}/no_such_db"
    with pytest.raises(StoreError) as raised:
        PostgresSubscriptions(url).everything()
    assert "no_such_db" in str(raised.value) and "s3cret-pw" not in str(raised.value)
