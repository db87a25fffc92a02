"""The SQLite subscription store, in the query log's file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.services.querylog import QueryLog
from bot.services.subscriptions import MAX_FAILURES, SQLiteSubscriptions, StoreError, open_store


def test_subscribe_list_replace_unsubscribe(tmp_path: Path) -> None:
    store = SQLiteSubscriptions(tmp_path / "q.sqlite3")
    store.subscribe(1, 10, [])
    store.subscribe(1, 11, ["deepseek", "qwen"])
    store.subscribe(2, 20, ["baidu"])
    assert [(s.channel_id, s.entities) for s in store.in_guild(1)] == [
        (10, ()), (11, ("deepseek", "qwen"))]
    store.subscribe(1, 11, ["qwen"])  # replaces
    assert [s.entities for s in store.in_guild(1)] == [(), ("qwen",)]
    assert store.unsubscribe(1, 11) and not store.unsubscribe(1, 11)
    assert [s.channel_id for s in store.everything()] == [10, 20]


def test_shares_the_query_log_file_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    querylog = QueryLog(path)
    querylog.record(front_end="cli", command="ask", query="hello", kind="answer")
    SQLiteSubscriptions(path).subscribe(1, 10, ["acme"])
    querylog.record(front_end="cli", command="ask", query="again", kind="answer")
    assert querylog.report().total == 2
    assert [s.entities for s in SQLiteSubscriptions(path).everything()] == [("acme",)]


def test_a_channel_is_dropped_after_repeated_failures_and_a_success_resets(tmp_path: Path) -> None:
    store = SQLiteSubscriptions(tmp_path / "q.sqlite3")
    store.subscribe(1, 10, [])
    for _ in range(MAX_FAILURES - 1):
        assert not store.failed(1, 10)
    store.delivered(1, 10)
    assert store.everything()[0].failures == 0
    dropped = [store.failed(1, 10) for _ in range(MAX_FAILURES)]
    assert dropped == [False] * (MAX_FAILURES - 1) + [True]
    assert store.everything() == []


def test_one_claim_per_channel_and_reload_across_stores(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    first, second = SQLiteSubscriptions(path), SQLiteSubscriptions(path)  # two processes
    assert first.claim(10, "a>b") and not second.claim(10, "a>b")
    assert second.claim(11, "a>b") and second.claim(10, "b>c")


def test_off_and_unreadable(tmp_path: Path) -> None:
    assert open_store("off") is None
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError):
        SQLiteSubscriptions(bad).everything()
    assert issubclass(StoreError, Exception) and not issubclass(StoreError, sqlite3.Error)
