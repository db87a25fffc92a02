"""News-feed subscriptions in PostgreSQL, beside the query log when QUERY_LOG is a
postgresql:// URL: every process of a fleet sees the same subscriptions, and the
(channel, reload) claim keeps a reload to one post per channel across them.

The statements are subscriptions.SQLSubscriptions', with psycopg's placeholders,
on tables of their own in a `news` schema. Migrations run once, under an
advisory lock, as the query log's do.
"""

from __future__ import annotations

import contextlib
import threading

import psycopg

from bot.services.querylog_postgres import CONNECT_TIMEOUT, STATEMENT_TIMEOUT_MS, describe
from bot.services.subscriptions import MIGRATIONS, SQLSubscriptions, StoreError

MIGRATION_LOCK = 0x6E65_7773
"""the advisory lock key ("news"); not the query log's"""


class PostgresSubscriptions(SQLSubscriptions):
    """One connection behind a lock; a broken one is opened again on the next call."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = describe(url)
        self._conn: psycopg.Connection | None = None
        self._lock = threading.Lock()

    def _connect(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
            try:
                conn.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                    conn.execute("CREATE SCHEMA IF NOT EXISTS news")
                    conn.execute("SET search_path = news")
                    conn.execute("CREATE TABLE IF NOT EXISTS news_schema (version INTEGER NOT NULL)")
                    version = conn.execute("SELECT max(version) FROM news_schema").fetchone()[0] or 0
                    for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
                        conn.execute(sql)
                        conn.execute("INSERT INTO news_schema (version) VALUES (%s)", (number,))
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _run(self, sql: str, args: tuple = ()) -> psycopg.Cursor:
        # the rows come with the cursor (client side): reading them later needs no lock
        with self._lock:
            try:
                return self._connect().execute(sql.replace("?", "%s"), args)
            except (psycopg.Error, OSError) as exc:
                if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError | OSError):
                    self._close()
                text = " ".join(str(exc).split()) or type(exc).__name__
                raise StoreError(f"news subscriptions in {self.name}: {text}") from exc

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None

    def close(self) -> None:
        with self._lock:
            self._close()
