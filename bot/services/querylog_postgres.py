"""The query log in PostgreSQL, shared by every process of a fleet.

The tables live in their own schema, `querylog`, so the database can hold
other things. Migrations run in one transaction under a transaction-level
advisory lock (pg_advisory_xact_lock): processes starting together wait for
the first, which applies them once; the others find them done. PostgreSQL's
DDL is transactional, so a migration that fails leaves nothing half done.

ids are chosen by the process that logs (querylog.IdSource) and are unique
across processes, so a vote pressed under an answer of one process can be
counted by any other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb

from bot.services import gaps
from bot.services.querylog_model import LOGGED_COLUMNS, Entry, StoreDown, logged, taken_suggestion

# Append only: version n is MIGRATIONS[:n] applied; never edit an applied one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE querylog.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE querylog.queries (
        id BIGINT PRIMARY KEY,
        at TIMESTAMPTZ NOT NULL,
        front_end TEXT NOT NULL,
        command TEXT NOT NULL,
        query TEXT NOT NULL,
        normalized TEXT NOT NULL,
        kind TEXT NOT NULL,
        entities JSONB NOT NULL,         -- list of entity ids
        unknown JSONB NOT NULL,          -- list of names the base does not know
        suggestions JSONB NOT NULL,      -- list of entity ids offered
        took_suggestion TEXT,            -- entity id taken from the previous did-you-mean
        version TEXT NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX queries_at ON querylog.queries (at);
    CREATE INDEX queries_front_end ON querylog.queries (front_end, id);
    CREATE TABLE querylog.votes (
        query_id BIGINT NOT NULL REFERENCES querylog.queries (id) ON DELETE CASCADE,
        voter_hash TEXT NOT NULL,
        up BOOLEAN NOT NULL,
        at TIMESTAMPTZ NOT NULL,
        UNIQUE (query_id, voter_hash)
    );
    CREATE TABLE querylog.drops (at TIMESTAMPTZ NOT NULL, count INTEGER NOT NULL);
    """,
    """
    ALTER TABLE querylog.queries
        ADD COLUMN facts JSONB NOT NULL DEFAULT '[]',    -- ids of the facts the answer showed
        ADD COLUMN dropped JSONB NOT NULL DEFAULT '[]';  -- names of the question it left out
    """,
)

MIGRATION_LOCK = 0x7175_6572_796C_6F67 & (2**63 - 1)
"""the advisory lock key ("querylog"): one per database, whoever shares it"""
CONNECT_TIMEOUT = 3
"""seconds; libpq's minimum is 2"""
STATEMENT_TIMEOUT_MS = 5000
"""a statement (or a wait for another process's migration) longer than this is StoreDown"""

# The connection or the server is the problem: retry. Any other psycopg.Error while
# writing one entry refuses that entry only.
_DOWN = (psycopg.OperationalError, psycopg.InterfaceError, OSError)
_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
_INSERT = ("INSERT INTO querylog.queries (id, at, front_end, command, query, normalized, kind, "
           "entities, unknown, suggestions, took_suggestion, version, latency_ms, facts, dropped) "
           "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
           "ON CONFLICT (id) DO NOTHING")


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(unparsable URL)"
    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{params.get('host', '')}{port}/{params.get('dbname', '')}"


def migrate(conn: psycopg.Connection, migrations: Sequence[str] | None = None) -> int:
    """Apply the migrations this database has not had yet, under the advisory
    lock, all in one transaction. Returns the version."""
    migrations = MIGRATIONS if migrations is None else migrations
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("CREATE SCHEMA IF NOT EXISTS querylog")
        conn.execute("CREATE TABLE IF NOT EXISTS querylog.schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM querylog.schema_version").fetchone()
        if row is None:
            conn.execute("INSERT INTO querylog.schema_version VALUES (0)")
        version = row[0] if row else 0
        for sql in migrations[version:]:
            conn.execute(sql)
            version += 1
        conn.execute("UPDATE querylog.schema_version SET version = %s", (version,))
    return version


class PostgresStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self.name = describe(url)
        self._conn: psycopg.Connection | None = None
        self._salt = b""

    def exists(self) -> bool:
        return True

    def _connect(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
            try:
                conn.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
                migrate(conn, MIGRATIONS)
                conn.execute("INSERT INTO querylog.meta (key, value) VALUES ('voter_salt', %s) "
                             "ON CONFLICT (key) DO NOTHING", (secrets.token_hex(32),))
                row = conn.execute("SELECT value FROM querylog.meta WHERE key = 'voter_salt'").fetchone()
                self._salt = bytes.fromhex(row[0])
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None

    def _down(self, exc: BaseException) -> StoreDown:
        self.close()
        return StoreDown(f"{self.name}: {' '.join(str(exc).split()) or type(exc).__name__}")

    def write(self, entries: Sequence[Entry]) -> int:
        """The whole batch in one statement (pipelined); only when PostgreSQL refuses
        it for one bad entry, again one entry per savepoint, to keep the others."""
        try:
            conn = self._connect()
            try:
                with conn.transaction(), conn.cursor() as cursor:
                    cursor.executemany(_INSERT, self._rows(conn, entries))
                    return len(entries) - cursor.rowcount  # ids already taken: refused
            except _DOWN:
                raise
            except (psycopg.Error, ValueError):  # ValueError: text that cannot be encoded
                pass
            refused = 0
            with conn.transaction():
                for entry in entries:
                    try:
                        with conn.transaction():  # a savepoint: one bad entry spoils no other
                            if conn.execute(_INSERT, self._rows(conn, [entry])[0]).rowcount == 0:
                                refused += 1  # its id was taken
                    except _DOWN:
                        raise
                    except (psycopg.Error, ValueError):  # text PostgreSQL cannot hold, say
                        refused += 1
        except (psycopg.Error, OSError) as exc:  # _DOWN, or e.g. the tables dropped under us
            raise self._down(exc) from exc
        return refused

    @staticmethod
    def _rows(conn: psycopg.Connection, entries: Sequence[Entry]) -> list[tuple]:
        """The INSERT's parameters; the previous query of each front end is read
        once per batch, then followed through the batch."""
        previous: dict[str, tuple | None] = {}
        rows = []
        for e in entries:
            if e.front_end not in previous:
                previous[e.front_end] = conn.execute(
                    "SELECT kind, at, suggestions FROM querylog.queries WHERE front_end = %s "
                    "ORDER BY id DESC LIMIT 1", (e.front_end,)).fetchone()
            rows.append((e.id, e.at, e.front_end, e.command, e.query, e.normalized, e.kind,
                         Jsonb(list(e.entities)), Jsonb(list(e.unknown)), Jsonb(list(e.suggestions)),
                         taken_suggestion(previous[e.front_end], e), e.version,
                         round(e.latency_ms, 3), Jsonb(list(e.facts)), Jsonb(list(e.dropped))))
            previous[e.front_end] = (e.kind, e.at, e.suggestions)
        return rows

    def vote(self, query_id: int, voter_key: str, up: bool) -> bool | None:
        try:
            conn = self._connect()
            voter = hmac.new(self._salt, voter_key.encode(), hashlib.sha256).hexdigest()
            try:
                cursor = conn.execute(
                    "INSERT INTO querylog.votes (query_id, voter_hash, up, at) "
                    "VALUES (%s, %s, %s, now()) ON CONFLICT (query_id, voter_hash) DO NOTHING",
                    (query_id, voter, up))
            except psycopg.errors.ForeignKeyViolation:  # no such query (yet: see Store.vote)
                return None
            return cursor.rowcount == 1
        except (psycopg.Error, OSError) as exc:
            raise self._down(exc) from exc

    def add_dropped(self, count: int, at: dt.datetime) -> None:
        try:
            self._connect().execute("INSERT INTO querylog.drops (at, count) VALUES (%s, %s)",
                                    (at, count))
        except psycopg.Error as exc:
            raise self._down(exc) from exc

    @staticmethod
    def _since(days: int | None) -> dt.datetime:
        return dt.datetime.now(dt.UTC) - dt.timedelta(days=days) if days is not None else _EPOCH

    def entries(self, days: int | None) -> list[gaps.Logged]:
        try:
            rows = self._connect().execute(
                f"SELECT {LOGGED_COLUMNS}, coalesce(sum(v.up::int), 0), coalesce(sum(1 - v.up::int), 0) "
                "FROM querylog.queries AS q LEFT JOIN querylog.votes AS v ON v.query_id = q.id "
                "WHERE q.at >= %s GROUP BY q.id ORDER BY q.id", (self._since(days),)).fetchall()
        except psycopg.Error as exc:
            raise self._down(exc) from exc
        return [logged(r, r[1], tuple) for r in rows]

    def not_logged(self, days: int | None) -> int:
        try:
            row = self._connect().execute(
                "SELECT coalesce(sum(count), 0) FROM querylog.drops WHERE at >= %s",
                (self._since(days),)).fetchone()
        except psycopg.Error as exc:
            raise self._down(exc) from exc
        return int(row[0])
