"""What the query log's backends share: one entry as it is written, the errors a
backend raises, and the rule for a taken suggestion. What they read back is
bot.services.gaps' Entry, from which the report is built the same way on every
backend.

A backend (querylog_sqlite, querylog_postgres) is a plain synchronous object
used from one thread at a time; bot.services.querylog puts the queue, the
background writer and the retries in front of it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.services import gaps
from bot.services.namelike import ANSWERED_NOTHING

TAKEN_WINDOW = dt.timedelta(minutes=5)
MAX_ID = 2**63 - 1
"""ids are positive signed 64-bit integers (PostgreSQL BIGINT, SQLite INTEGER)"""


class StoreDown(Exception):
    """The database cannot be reached or written right now (connection refused,
    locked, read-only, corrupt, migration under way elsewhere): worth retrying."""


class QueryLogError(OSError):
    """The log cannot be read (report): an OSError, like a file that cannot be
    read, so that callers catching OSError for SQLite cover PostgreSQL too."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One answered query, as it is written. Its id is chosen before it is
    written (see querylog.IdSource), so the answer goes out at once with its
    feedback buttons while the entry waits in the queue."""

    id: int
    at: dt.datetime
    front_end: str
    command: str
    query: str
    normalized: str
    kind: str
    entities: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    version: str = ""
    latency_ms: float = 0.0
    facts: tuple[str, ...] = ()
    """ids of the facts the answer showed"""
    dropped: tuple[str, ...] = ()
    """names of the question the answer left out"""


LOGGED_COLUMNS = ("q.id, q.at, q.front_end, q.command, q.query, q.normalized, q.kind, q.entities, "
                  "q.unknown, q.suggestions, q.took_suggestion, q.facts, q.dropped")
"""what `entries` reads of each query, then its votes up and down, in `logged`'s order"""


def logged(row: Sequence, at: dt.datetime, names: Callable[[object], Sequence[str]]) -> gaps.Logged:
    """A row of LOGGED_COLUMNS and the two vote counts, its time already read and
    its lists read by `names` (JSON text in SQLite, arrays in PostgreSQL)."""
    lists = [tuple(names(v)) for v in (*row[7:10], *row[11:13])]
    return gaps.Logged(row[0], at, *row[2:7], *lists[:3], row[10], *lists[3:],
                       int(row[13]), int(row[14]))


def taken_suggestion(previous: tuple[str, dt.datetime, Sequence[str]] | None,
                     entry: Entry) -> str | None:
    """A query took a suggestion when one of its entities was offered by the
    previous query of the same front end, one that found nothing, at most five
    minutes older. `previous` is that query's (kind, at, suggestions)."""
    if not entry.entities or previous is None:
        return None
    kind, at, suggestions = previous
    if kind not in ANSWERED_NOTHING or at < entry.at - TAKEN_WINDOW:
        return None
    offered = set(suggestions)
    return next((e for e in entry.entities if e in offered), None)


def as_list(value: str | list) -> list:
    """A JSON list column: text in SQLite, already decoded from jsonb."""
    return json.loads(value) if isinstance(value, str) else list(value)


class Store(Protocol):
    """A query log backend. Every method raises StoreDown when the database
    cannot be used right now; `write` and `vote` raise nothing else."""

    name: str
    """for messages: the file, or the URL without its password"""

    def write(self, entries: Sequence[Entry]) -> int:
        """Store the entries in one transaction; returns how many were refused
        one by one (text the database cannot hold, an id already taken)."""

    def vote(self, query_id: int, voter_key: str, up: bool) -> bool | None:
        """True: counted; False: this person has voted on this answer already;
        None: no such answer in the log, perhaps not yet (another process may still
        be writing it), so the voter is asked to try again rather than refused."""

    def add_dropped(self, count: int, at: dt.datetime) -> None:
        """Remember that `count` entries were dropped, for every process's report."""

    def entries(self, days: int | None) -> list[gaps.Logged]:
        """Every query of the last `days` days (all when None), oldest first, with
        its votes: what the report is built from."""

    def not_logged(self, days: int | None) -> int:
        """How many entries were dropped in the last `days` days (every process's
        that could tell the database afterwards)."""

    def exists(self) -> bool:
        """Whether there may be anything to report (SQLite: the file is there)."""

    def close(self) -> None: ...
