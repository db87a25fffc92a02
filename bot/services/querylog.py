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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.core import Answer, Engine
from bot.shared.formats import plural
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


@dataclass(frozen=True, slots=True)
class Voted:
    """One answer's feedback, for the report."""

    query_id: int
    query: str
    command: str
    up: int
    down: int


@dataclass(frozen=True, slots=True)
class Report:
    days: int | None
    total: int = 0
    unanswered: list[tuple[str, int]] = field(default_factory=list)
    """not_found queries grouped by normalised text, most frequent first"""
    unknown_names: list[tuple[str, int]] = field(default_factory=list)
    suggestions_offered: int = 0
    """not_found answers that offered suggestions"""
    suggestions_taken: list[tuple[str, int]] = field(default_factory=list)
    """entity id taken from a did-you-mean, with how often"""
    by_command: dict[str, int] = field(default_factory=dict)
    by_front_end: dict[str, int] = field(default_factory=dict)
    most_disliked: list[Voted] = field(default_factory=list)


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
               suggestions: Sequence[str] = (), version: str = "", latency_ms: float = 0.0,
               at: dt.datetime | None = None) -> int | None:
        """Store one query; returns its row id (for feedback buttons), or None when
        the log is off or broken. Never raises for a database problem.

        `entities` and `suggestions` are entity ids. A query counts as having
        taken a suggestion when one of its entities was among the suggestions of
        the previous query in the same front end, if that one was not_found and
        at most five minutes older.
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
                        "entities, unknown, suggestions, took_suggestion, version, latency_ms) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (_iso(at), str(front_end), command, query, normalize(query), str(kind),
                         json.dumps(list(entities)), json.dumps(list(unknown), ensure_ascii=False),
                         json.dumps(list(suggestions)), took, version, round(latency_ms, 3)))
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
        if row is None or row[0] != "not_found" or row[1] < _iso(at - TAKEN_WINDOW):
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

    def report(self, days: int | None = None, limit: int = 10) -> Report:
        """What people asked in the last `days` days (all time when None). Unlike
        record, this raises sqlite3.Error/OSError: it is a maintainer's tool."""
        if self.path is None:
            return Report(days)
        since = _iso(_now() - dt.timedelta(days=days)) if days is not None else ""
        with self._lock:
            conn = self._connect()

            def rows(sql: str, *args: object) -> list[tuple]:
                return conn.execute(sql, (since, *args)).fetchall()

            total = rows("SELECT count(*) FROM queries WHERE at >= ?")[0][0]
            unanswered = rows(
                "SELECT normalized, count(*) AS n FROM queries WHERE at >= ? AND kind = 'not_found' "
                "GROUP BY normalized ORDER BY n DESC, normalized LIMIT ?", limit)
            unknown = rows(
                "SELECT j.value, count(*) AS n FROM queries, json_each(queries.unknown) AS j "
                "WHERE at >= ? GROUP BY j.value ORDER BY n DESC, j.value LIMIT ?", limit)
            offered = rows("SELECT count(*) FROM queries WHERE at >= ? AND kind = 'not_found' "
                           "AND suggestions != '[]'")[0][0]
            taken = rows("SELECT took_suggestion, count(*) AS n FROM queries WHERE at >= ? "
                         "AND took_suggestion IS NOT NULL GROUP BY took_suggestion "
                         "ORDER BY n DESC, took_suggestion")
            by_command = rows("SELECT command, count(*) AS n FROM queries WHERE at >= ? "
                              "GROUP BY command ORDER BY n DESC, command")
            by_front_end = rows("SELECT front_end, count(*) AS n FROM queries WHERE at >= ? "
                                "GROUP BY front_end ORDER BY n DESC, front_end")
            disliked = rows(
                "SELECT q.id, q.query, q.command, sum(v.up), sum(1 - v.up) AS down "
                "FROM votes AS v JOIN queries AS q ON q.id = v.query_id WHERE q.at >= ? "
                "GROUP BY q.id HAVING down > 0 ORDER BY down DESC, sum(v.up), q.id LIMIT ?", limit)
        return Report(days, total, [tuple(r) for r in unanswered], [tuple(r) for r in unknown],
                      offered, [tuple(r) for r in taken], dict(by_command), dict(by_front_end),
                      [Voted(*r) for r in disliked])


def log_answer(querylog: QueryLog | None, front_end: FrontEnd | str, answer: Answer,
               engine: Engine, latency_ms: float) -> int | None:
    """Record one answer; every front end calls this, so all log the same way.
    Returns the row id for feedback, or None when not logged."""
    if querylog is None or not querylog.enabled:
        return None
    aliases = engine.kb.alias_index
    suggestions = [aliases.get(key(name), name) for name in answer.suggestions]
    return querylog.record(
        front_end=front_end, command=answer.command, query=answer.query, kind=str(answer.kind),
        entities=answer.entities, unknown=answer.unknown, suggestions=suggestions,
        version=engine.kb.version, latency_ms=latency_ms)


async def alog_answer(querylog: QueryLog | None, front_end: FrontEnd | str, answer: Answer,
                      engine: Engine, latency_ms: float) -> int | None:
    """log_answer off the event loop, for the Discord side."""
    if querylog is None or not querylog.enabled:
        return None
    return await asyncio.to_thread(log_answer, querylog, front_end, answer, engine, latency_ms)


def render_report(report: Report) -> str:
    period = f"the last {plural(report.days, 'day')}" if report.days is not None else "all time"
    out = [f"Query report, {period}: {plural(report.total, 'query', 'queries')}"]

    def section(title: str, lines: list[str]) -> None:
        out.extend(["", title])
        out.extend(f"  {line}" for line in lines or ["(none)"])

    section("Unanswered questions (not found), by normalised text:",
            [f"{n:>4}  {text}" for text, n in report.unanswered])
    section("Names people asked about that the base does not know:",
            [f"{n:>4}  {name}" for name, n in report.unknown_names])
    taken = sum(n for _, n in report.suggestions_taken)
    offered = plural(report.suggestions_offered, "not-found answer")
    section(f"Did-you-mean suggestions taken ({taken} after {offered} offering some):",
            [f"{n:>4}  {eid}" for eid, n in report.suggestions_taken])
    section("Answers per command:", [f"{n:>4}  {c}" for c, n in report.by_command.items()])
    section("Answers per front end:", [f"{n:>4}  {f}" for f, n in report.by_front_end.items()])
    section("Most disliked answers (👍/👎):",
            [f"{v.up:>3}/{v.down:<3} [{v.command}] {v.query} (#{v.query_id})"
             for v in report.most_disliked])
    return "\n".join(out)
