"""The query log in one SQLite file: the embedded default.

Several processes on one machine may share the file: BEGIN IMMEDIATE makes
their migrations and their writes take turns, and ids are chosen so that they
do not collide (querylog.IdSource). A lock held too long by another process is
a StoreDown like any other: the writer retries, it never gives up for good.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.services import gaps
from bot.services.querylog_model import (
    LOGGED_COLUMNS,
    Entry,
    StoreDown,
    as_list,
    logged,
    taken_suggestion,
)


def _facts_columns(conn: sqlite3.Connection) -> None:
    """Version 3: the facts an answer showed and the names it left out (the
    maintainers' report). These columns were version 2 on the branch that brought
    the report, where the drops table did not exist: such a file, at version 2,
    keeps its columns and gets the table."""
    conn.execute("CREATE TABLE IF NOT EXISTS drops (at TEXT NOT NULL, count INTEGER NOT NULL)")
    have = {row[1] for row in conn.execute("PRAGMA table_info(queries)")}
    # JSON lists: the ids of the facts the answer showed; the names of the question it left out
    for column in ("facts", "dropped"):
        if column not in have:
            conn.execute(f"ALTER TABLE queries ADD COLUMN {column} TEXT NOT NULL DEFAULT '[]'")


Migration = str | Callable[[sqlite3.Connection], None]

# Append only: each item is one schema version (SQL, or a function when SQL alone
# cannot say it); PRAGMA user_version counts how many have been applied. Never
# edit an applied one: add another.
MIGRATIONS: tuple[Migration, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE queries (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,                -- UTC, ISO 8601, milliseconds
        front_end TEXT NOT NULL,
        command TEXT NOT NULL,
        query TEXT NOT NULL,
        normalized TEXT NOT NULL,
        kind TEXT NOT NULL,
        entities TEXT NOT NULL,          -- JSON list of entity ids
        unknown TEXT NOT NULL,           -- JSON list of names the base does not know
        suggestions TEXT NOT NULL,       -- JSON list of entity ids offered
        took_suggestion TEXT,            -- entity id taken from the previous did-you-mean
        version TEXT NOT NULL,
        latency_ms REAL NOT NULL
    );
    CREATE INDEX queries_at ON queries (at);
    CREATE INDEX queries_front_end ON queries (front_end, id);
    CREATE TABLE votes (
        query_id INTEGER NOT NULL REFERENCES queries (id) ON DELETE CASCADE,
        voter_hash TEXT NOT NULL,
        up INTEGER NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (query_id, voter_hash)
    );
    """,
    """
    CREATE TABLE drops (at TEXT NOT NULL, count INTEGER NOT NULL);  -- entries lost while down
    """,
    _facts_columns,
)

BUSY_TIMEOUT = 2.0
"""seconds a statement waits for another process's lock before StoreDown"""

# Errors of one entry, not of the database: that entry is refused, the rest go on.
# (IntegrityError and DataError are DatabaseErrors too, so they are tested first.)
_BAD_ENTRY = (sqlite3.IntegrityError, sqlite3.DataError, ValueError, OverflowError)
_DOWN = (sqlite3.Error, OSError)


def iso(at: dt.datetime) -> str:
    """One fixed format, so that times compare correctly as strings in SQL."""
    return at.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] | None = None) -> int:
    """Apply the migrations this database has not had yet, each with its version
    bump; BEGIN IMMEDIATE makes two processes opening a new database at once
    apply them once. Returns the version."""
    migrations = MIGRATIONS if migrations is None else migrations
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, migration in enumerate(migrations[version:], start=version + 1):
            if callable(migration):
                migration(conn)
            else:
                for statement in _statements(migration):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            version = number
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise
    return version


def _rollback(conn: sqlite3.Connection) -> None:
    """Some errors (disk full, I/O) have already rolled back: don't mask them."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


class SqliteStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        self._conn: sqlite3.Connection | None = None
        self._salt = b""

    def exists(self) -> bool:
        return self.path.is_file()

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None,
                                   check_same_thread=False)
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                migrate(conn, MIGRATIONS)
                conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('voter_salt', ?)",
                             (secrets.token_hex(32),))
                row = conn.execute("SELECT value FROM meta WHERE key = 'voter_salt'").fetchone()
                self._salt = bytes.fromhex(row[0])
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def _down(self, exc: BaseException) -> StoreDown:
        self.close()  # the next attempt opens afresh (the file may have been fixed)
        return StoreDown(f"{self.name}: {exc}")

    def write(self, entries: Sequence[Entry]) -> int:
        refused = 0
        try:
            conn = self._connect()
            conn.execute("BEGIN IMMEDIATE")
            try:
                for entry in entries:
                    conn.execute("SAVEPOINT entry")
                    try:
                        self._insert(conn, entry)
                    except _BAD_ENTRY:
                        conn.execute("ROLLBACK TO entry")
                        refused += 1
                    conn.execute("RELEASE entry")
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        except _DOWN as exc:
            raise self._down(exc) from exc
        return refused

    @staticmethod
    def _insert(conn: sqlite3.Connection, e: Entry) -> None:
        row = conn.execute("SELECT kind, at, suggestions FROM queries WHERE front_end = ? "
                           "ORDER BY id DESC LIMIT 1", (e.front_end,)).fetchone()
        previous = (row[0], dt.datetime.fromisoformat(row[1]), as_list(row[2])) if row else None
        conn.execute(
            "INSERT INTO queries (id, at, front_end, command, query, normalized, kind, entities, "
            "unknown, suggestions, took_suggestion, version, latency_ms, facts, dropped) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (e.id, iso(e.at), e.front_end, e.command, e.query, e.normalized, e.kind,
             json.dumps(list(e.entities)), json.dumps(list(e.unknown), ensure_ascii=False),
             json.dumps(list(e.suggestions)), taken_suggestion(previous, e), e.version,
             round(e.latency_ms, 3), json.dumps(list(e.facts)),
             json.dumps(list(e.dropped), ensure_ascii=False)))

    def vote(self, query_id: int, voter_key: str, up: bool) -> bool | None:
        try:
            conn = self._connect()
            voter = hmac.new(self._salt, voter_key.encode(), hashlib.sha256).hexdigest()
            try:
                cursor = conn.execute(
                    "INSERT INTO votes (query_id, voter_hash, up, at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (query_id, voter_hash) DO NOTHING",
                    (query_id, voter, int(up), iso(dt.datetime.now(dt.UTC))))
            except sqlite3.IntegrityError:  # no such query (yet: see Store.vote)
                return None
            return cursor.rowcount == 1
        except _DOWN as exc:
            raise self._down(exc) from exc

    def add_dropped(self, count: int, at: dt.datetime) -> None:
        try:
            self._connect().execute("INSERT INTO drops (at, count) VALUES (?, ?)", (iso(at), count))
        except _DOWN as exc:
            raise self._down(exc) from exc

    @staticmethod
    def _since(days: int | None) -> str:
        return iso(dt.datetime.now(dt.UTC) - dt.timedelta(days=days)) if days is not None else ""

    def entries(self, days: int | None) -> list[gaps.Logged]:
        try:
            rows = self._connect().execute(
                f"SELECT {LOGGED_COLUMNS}, coalesce(sum(v.up), 0), coalesce(sum(1 - v.up), 0) "
                "FROM queries AS q LEFT JOIN votes AS v ON v.query_id = q.id "
                "WHERE q.at >= ? GROUP BY q.id ORDER BY q.id", (self._since(days),)).fetchall()
        except _DOWN as exc:
            raise self._down(exc) from exc
        return [logged(r, dt.datetime.fromisoformat(r[1]), as_list) for r in rows]

    def not_logged(self, days: int | None) -> int:
        try:
            return self._connect().execute("SELECT coalesce(sum(count), 0) FROM drops WHERE at >= ?",
                                           (self._since(days),)).fetchone()[0]
        except _DOWN as exc:
            raise self._down(exc) from exc
