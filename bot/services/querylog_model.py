"""What the query log's backends share: one entry, the report, the errors a
backend raises, and the rule for a taken suggestion.

A backend (querylog_sqlite, querylog_postgres) is a plain synchronous object
used from one thread at a time; bot.services.querylog puts the queue, the
background writer and the retries in front of it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

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


def taken_suggestion(previous: tuple[str, dt.datetime, Sequence[str]] | None,
                     entry: Entry) -> str | None:
    """A query took a suggestion when one of its entities was offered by the
    previous query of the same front end, a not_found at most five minutes older.
    `previous` is that query's (kind, at, suggestions)."""
    if not entry.entities or previous is None:
        return None
    kind, at, suggestions = previous
    if kind != "not_found" or at < entry.at - TAKEN_WINDOW:
        return None
    offered = set(suggestions)
    return next((e for e in entry.entities if e in offered), None)


def as_list(value: str | list) -> list:
    """A JSON list column: text in SQLite, already decoded from jsonb."""
    return json.loads(value) if isinstance(value, str) else list(value)


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
    dropped: int = 0
    """entries not logged because the database stayed down (every process that
    could tell the database afterwards, plus this one's not yet told)"""


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

    def report(self, days: int | None, limit: int) -> Report: ...

    def exists(self) -> bool:
        """Whether there may be anything to report (SQLite: the file is there)."""

    def close(self) -> None: ...
