"""News-feed subscriptions: which channels get the news of a reload, about what.

Kept in the same database as the query log (QUERY_LOG: a SQLite file by default,
or PostgreSQL), in tables of its own with a migration list of its own
(`news_schema` records which have been applied), so the query log's schema and
this one evolve apart.

`SubscriptionStore` is the whole interface the bot uses; `SQLiteSubscriptions`
is the embedded one, `PostgresSubscriptions` (subscriptions_postgres) the
fleet's. The SQL is plain (BIGINT ids, TEXT, INSERT ... ON CONFLICT, no JSON
functions) and written once, in `SQLSubscriptions`: the PostgreSQL store runs
the same statements with psycopg's `%s` placeholders.

`claim` makes a post happen once per channel and reload even when several bot
processes share the database and each sees the reload: the first to insert
the (channel, reload) row posts.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.shared.logtarget import is_off, is_postgres

log = logging.getLogger(__name__)

MAX_FAILURES = 3
"""posts in a row that fail before a channel's subscription is dropped"""
KEEP_DELIVERIES = dt.timedelta(days=30)

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE news_subscriptions (
        guild_id BIGINT NOT NULL,
        channel_id BIGINT NOT NULL,
        entities TEXT NOT NULL,          -- entity ids separated by spaces, '' for everything
        failures INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,        -- UTC, ISO 8601
        PRIMARY KEY (guild_id, channel_id)
    );
    CREATE TABLE news_deliveries (
        channel_id BIGINT NOT NULL,
        reload TEXT NOT NULL,            -- 'old version>new version'
        at TEXT NOT NULL,
        PRIMARY KEY (channel_id, reload)
    );
    """,
)
"""Append only, like the query log's: never edit one that has been applied."""


class Result(Protocol):
    """What a statement gives back: a DB-API cursor of either driver."""

    rowcount: int

    def fetchone(self) -> tuple | None: ...

    def fetchall(self) -> list[tuple]: ...


class StoreError(Exception):
    """The database cannot be read or written; the message says why, for the log."""


@dataclass(frozen=True, slots=True)
class Subscription:
    guild_id: int
    channel_id: int
    entities: tuple[str, ...]
    """entity ids the channel follows; empty: everything"""
    failures: int = 0


class SubscriptionStore(Protocol):
    """What the news feed needs of a store, synchronous (callers use a thread)."""

    def subscribe(self, guild_id: int, channel_id: int, entities: Sequence[str]) -> Subscription:
        """Add or replace the channel's subscription."""
        ...

    def unsubscribe(self, guild_id: int, channel_id: int) -> bool:
        """False when the channel had none."""
        ...

    def in_guild(self, guild_id: int) -> list[Subscription]: ...

    def everything(self) -> list[Subscription]: ...

    def claim(self, channel_id: int, reload: str) -> bool:
        """True for the one caller that is to post this reload in this channel."""
        ...

    def delivered(self, guild_id: int, channel_id: int) -> None:
        """A post went through: the failures count starts again."""
        ...

    def failed(self, guild_id: int, channel_id: int) -> bool:
        """Count a failed post; True when that dropped the subscription."""
        ...


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _statements(sql: str) -> list[str]:
    """A migration's statements (no ";" in their comments)."""
    return [s.strip() for s in sql.split(";") if s.strip()]


class SQLSubscriptions(ABC):
    """The interface in SQL, `?` for each parameter; a backend runs the statements.
    Every method raises StoreError for a database problem."""

    @abstractmethod
    def _run(self, sql: str, args: tuple = ()) -> Result:
        """One statement, on this store's connection (any thread may call)."""

    @abstractmethod
    def close(self) -> None: ...

    def subscribe(self, guild_id: int, channel_id: int, entities: Sequence[str]) -> Subscription:
        self._run("INSERT INTO news_subscriptions (guild_id, channel_id, entities, failures, "
                  "created_at) VALUES (?, ?, ?, 0, ?) ON CONFLICT (guild_id, channel_id) "
                  "DO UPDATE SET entities = excluded.entities, failures = 0",
                  (guild_id, channel_id, " ".join(entities), _now()))
        return Subscription(guild_id, channel_id, tuple(entities))

    def unsubscribe(self, guild_id: int, channel_id: int) -> bool:
        cursor = self._run("DELETE FROM news_subscriptions WHERE guild_id = ? AND channel_id = ?",
                           (guild_id, channel_id))
        return cursor.rowcount > 0

    def _select(self, where: str = "", args: tuple = ()) -> list[Subscription]:
        rows = self._run("SELECT guild_id, channel_id, entities, failures FROM news_subscriptions "
                         f"{where} ORDER BY guild_id, channel_id", args).fetchall()
        return [Subscription(g, c, tuple(e.split()), f) for g, c, e, f in rows]

    def in_guild(self, guild_id: int) -> list[Subscription]:
        return self._select("WHERE guild_id = ?", (guild_id,))

    def everything(self) -> list[Subscription]:
        return self._select()

    def claim(self, channel_id: int, reload: str) -> bool:
        now = dt.datetime.now(dt.UTC)
        old = (now - KEEP_DELIVERIES).isoformat(timespec="seconds")
        self._run("DELETE FROM news_deliveries WHERE at < ?", (old,))
        cursor = self._run("INSERT INTO news_deliveries (channel_id, reload, at) VALUES (?, ?, ?) "
                           "ON CONFLICT (channel_id, reload) DO NOTHING",
                           (channel_id, reload, now.isoformat(timespec="seconds")))
        return cursor.rowcount == 1

    def delivered(self, guild_id: int, channel_id: int) -> None:
        self._run("UPDATE news_subscriptions SET failures = 0 WHERE guild_id = ? AND channel_id = ?",
                  (guild_id, channel_id))

    def failed(self, guild_id: int, channel_id: int) -> bool:
        self._run("UPDATE news_subscriptions SET failures = failures + 1 "
                  "WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id))
        row = self._run("SELECT failures FROM news_subscriptions WHERE guild_id = ? "
                        "AND channel_id = ?", (guild_id, channel_id)).fetchone()
        if row is None or row[0] < MAX_FAILURES:
            return False
        self.unsubscribe(guild_id, channel_id)
        return True


class SQLiteSubscriptions(SQLSubscriptions):
    """The store in a SQLite file (the query log's). One connection behind a lock,
    so any thread may call it."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=5.0, isolation_level=None,
                                   check_same_thread=False)
            try:
                self._migrate(conn)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")  # two processes opening a new file migrate once
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS news_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT max(version) FROM news_schema").fetchone()
            version = row[0] or 0
            for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute("INSERT INTO news_schema (version) VALUES (?)", (number,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _run(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        with self._lock:
            try:
                return self._connect().execute(sql, args)
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(f"news subscriptions in {self.path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def open_store(query_log: str) -> SQLSubscriptions | None:
    """The store beside the query log (Settings.query_log), or None when it is off."""
    if is_off(query_log):
        return None
    if is_postgres(query_log):
        from bot.services.subscriptions_postgres import PostgresSubscriptions  # psycopg: only then

        return PostgresSubscriptions(query_log.strip())
    return SQLiteSubscriptions(query_log)
