"""An anonymous log of the questions people ask, so maintainers see what the fact
base is missing (unanswered questions, unknown names) and which answers people
dislike.

Privacy: no user id or name is ever stored. Feedback votes store only an HMAC of
a voter key under a random salt kept in the database, enough to allow one vote
per person per answer and nothing more.

Robustness: the log is a side show. If the database cannot be opened or written
(read-only, corrupt, missing directory), `record` and `vote` log one warning and
the log carries on disabled; answering is never affected.

Threading: plain sqlite3 behind a lock, so any thread may call the sync methods;
async callers use the `a*` wrappers, which run them with asyncio.to_thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import secrets
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from bot.core import Answer, Engine
from bot.services.gaps import Entry, Report, build
from bot.services.namelike import ANSWERED_NOTHING, left_out
from bot.shared.normalize import key, normalize

log = logging.getLogger(__name__)

FrontEnd = Literal["slash", "prefix", "dm", "mention", "console", "cli"]
DISABLED = frozenset({"", "off", "none", "false", "0"})
TAKEN_WINDOW = dt.timedelta(minutes=5)
_DISCORD_MENTION_RE = re.compile(r"<(?:@[!&]?|#)\d+>")

# Append only: each string is one schema version; PRAGMA user_version counts how
# many have been applied. Never edit an applied one: add another.
MIGRATIONS: tuple[str, ...] = (
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
    -- JSON list of the ids of the facts the answer showed
    ALTER TABLE queries ADD COLUMN facts TEXT NOT NULL DEFAULT '[]';
    -- JSON list of the names of the question the answer left out
    ALTER TABLE queries ADD COLUMN dropped TEXT NOT NULL DEFAULT '[]';
    """,
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def scrub(text: str) -> str:
    """A question may @mention someone: `<@1234>` is a user id, so it goes."""
    return _DISCORD_MENTION_RE.sub("@someone", text)


def _iso(at: dt.datetime) -> str:
    """One fixed format, so that times compare correctly as strings in SQL."""
    return at.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def migrate(conn: sqlite3.Connection, migrations: Sequence[str] | None = None) -> int:
    """Apply the migrations this database has not had yet, each in its own
    transaction with its version bump; BEGIN IMMEDIATE makes two processes
    opening a new database at once apply them once. Returns the version."""
    migrations = MIGRATIONS if migrations is None else migrations
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, sql in enumerate(migrations[version:], start=version + 1):
            for statement in _statements(sql):
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


class QueryLog:
    """The query log at `path`; `QueryLog(None)` is a disabled log that records nothing.

    Nothing touches the disk until the first call, so building one is free and
    a bot that is never asked anything creates no file.
    """

    def __init__(self, path: Path | str | None) -> None:
        self.path = Path(path) if path is not None else None
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._failed = False
        self._salt = b""

    @classmethod
    def from_setting(cls, value: str) -> QueryLog:
        """Settings.query_log: a path, or `off` to disable."""
        return cls(None if value.strip().casefold() in DISABLED else value)

    @property
    def enabled(self) -> bool:
        return self.path is not None and not self._failed

    # --- connection -----------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            assert self.path is not None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=2.0, isolation_level=None,
                                   check_same_thread=False)
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                migrate(conn)
                conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('voter_salt', ?)",
                             (secrets.token_hex(32),))
                row = conn.execute("SELECT value FROM meta WHERE key = 'voter_salt'").fetchone()
                self._salt = bytes.fromhex(row[0])
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _give_up(self, exc: BaseException) -> None:
        """The first failure disables the log for good, with one warning: a
        broken log must not flood the logs or slow every answer down."""
        if not self._failed:
            log.warning("query log %s disabled: %s", self.path, exc)
        self._failed = True
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # --- writing --------------------------------------------------------

    def record(self, *, front_end: FrontEnd | str, command: str, query: str, kind: str,
               entities: Sequence[str] = (), unknown: Sequence[str] = (),
               suggestions: Sequence[str] = (), facts: Sequence[str] = (),
               dropped: Sequence[str] = (), version: str = "", latency_ms: float = 0.0,
               at: dt.datetime | None = None) -> int | None:
        """Store one query; returns its row id (for feedback buttons), or None when
        the log is off or broken. Never raises for a database problem.

        `entities` and `suggestions` are entity ids, `facts` the ids of the facts
        the answer showed, `dropped` the names of the question it left out. A
        query counts as having taken a suggestion when one of its entities was
        among the suggestions of the previous query in the same front end, if
        that one found nothing and is at most five minutes older.
        """
        if not self.enabled:
            return None
        at = at or _now()
        query = scrub(query)
        with self._lock:
            if self._failed:
                return None
            try:
                conn = self._connect()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    took = self._taken(conn, front_end, entities, at)
                    cursor = conn.execute(
                        "INSERT INTO queries (at, front_end, command, query, normalized, kind, "
                        "entities, unknown, suggestions, took_suggestion, version, latency_ms, "
                        "facts, dropped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (_iso(at), str(front_end), command, query, normalize(query), str(kind),
                         json.dumps(list(entities)), json.dumps(list(unknown), ensure_ascii=False),
                         json.dumps(list(suggestions)), took, version, round(latency_ms, 3),
                         json.dumps(list(facts)), json.dumps(list(dropped), ensure_ascii=False)))
                    conn.execute("COMMIT")
                except BaseException:
                    _rollback(conn)
                    raise
                return cursor.lastrowid
            except (sqlite3.Error, OSError, ValueError) as exc:
                self._give_up(exc)
                return None

    @staticmethod
    def _taken(conn: sqlite3.Connection, front_end: str, entities: Sequence[str],
               at: dt.datetime) -> str | None:
        if not entities:
            return None
        row = conn.execute("SELECT kind, at, suggestions FROM queries WHERE front_end = ? "
                           "ORDER BY id DESC LIMIT 1", (str(front_end),)).fetchone()
        if row is None or row[0] not in ANSWERED_NOTHING or row[1] < _iso(at - TAKEN_WINDOW):
            return None
        offered = set(json.loads(row[2]))
        return next((e for e in entities if e in offered), None)

    def vote(self, query_id: int, voter_key: str, up: bool) -> bool:
        """One vote per person per answer: the first vote counts and a second one
        (either way) is refused with False, as is a vote on an unknown query or
        when the log is off or broken. Only a salted HMAC of voter_key is kept."""
        if not self.enabled:
            return False
        with self._lock:
            if self._failed:
                return False
            try:
                conn = self._connect()
                voter = hmac.new(self._salt, voter_key.encode(), hashlib.sha256).hexdigest()
                try:
                    cursor = conn.execute(
                        "INSERT INTO votes (query_id, voter_hash, up, at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (query_id, voter_hash) DO NOTHING",
                        (query_id, voter, int(up), _iso(_now())))
                except sqlite3.IntegrityError:  # no such query
                    return False
                return cursor.rowcount == 1
            except (sqlite3.Error, OSError, ValueError) as exc:
                self._give_up(exc)
                return False

    async def avote(self, query_id: int, voter_key: str, up: bool) -> bool:
        return await asyncio.to_thread(self.vote, query_id, voter_key, up)

    # --- reading --------------------------------------------------------

    def entries(self, days: int | None = None) -> list[Entry]:
        """Every query of the last `days` days (all when None), oldest first, with
        its votes. Unlike record, this raises sqlite3.Error/OSError: it is a
        maintainer's tool."""
        if self.path is None:
            return []
        since = _iso(_now() - dt.timedelta(days=days)) if days is not None else ""
        with self._lock:
            rows = self._connect().execute(
                "SELECT q.id, q.at, q.front_end, q.command, q.query, q.normalized, q.kind, "
                "q.entities, q.unknown, q.suggestions, q.took_suggestion, q.facts, q.dropped, "
                "coalesce(sum(v.up), 0), coalesce(sum(1 - v.up), 0) "
                "FROM queries AS q LEFT JOIN votes AS v ON v.query_id = q.id "
                "WHERE q.at >= ? GROUP BY q.id ORDER BY q.id", (since,)).fetchall()
        return [Entry(r[0], dt.datetime.fromisoformat(r[1]), *r[2:7],
                      *(tuple(json.loads(v)) for v in r[7:10]), r[10],
                      *(tuple(json.loads(v)) for v in r[11:13]), r[13], r[14]) for r in rows]

    def report(self, days: int | None = None, limit: int = 10,
               engine: Engine | None = None) -> Report:
        """The maintainers' report (bot/services/gaps.py); with `engine`, the
        current base says which names it has learnt since."""
        return build(self.entries(days), days, engine, limit)


def log_answer(querylog: QueryLog | None, front_end: FrontEnd | str, answer: Answer,
               engine: Engine, latency_ms: float) -> int | None:
    """Record one answer; every front end calls this, so all log the same way.
    Returns the row id for feedback, or None when not logged.

    When nothing matched, an answer lists the entities with most facts ("I can
    tell you about ..."): that is no did-you-mean, so it is not logged as an
    offer, or any later question about one of them would count as taking it.
    Names of the question the answer neither used nor called unknown are kept:
    as unknown when the answer found nothing, as dropped when it answered."""
    if querylog is None or not querylog.enabled:
        return None
    aliases = engine.kb.alias_index
    offered = () if list(answer.suggestions) == engine.known_names() else answer.suggestions
    suggestions = [aliases.get(key(name), name) for name in offered]
    left = left_out(engine, answer)
    found_nothing = str(answer.kind) in ANSWERED_NOTHING
    return querylog.record(
        front_end=front_end, command=answer.command, query=answer.query, kind=str(answer.kind),
        entities=answer.entities, unknown=(*answer.unknown, *left) if found_nothing else answer.unknown,
        suggestions=suggestions, facts=[f.id for f in answer.facts],
        dropped=() if found_nothing else left, version=engine.kb.version, latency_ms=latency_ms)


async def alog_answer(querylog: QueryLog | None, front_end: FrontEnd | str, answer: Answer,
                      engine: Engine, latency_ms: float) -> int | None:
    """log_answer off the event loop, for the Discord side."""
    if querylog is None or not querylog.enabled:
        return None
    return await asyncio.to_thread(log_answer, querylog, front_end, answer, engine, latency_ms)
