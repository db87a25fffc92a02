"""An anonymous log of the questions people ask, so maintainers see what the fact
base is missing (unanswered questions, unknown names) and which answers people
dislike.

Privacy: no user id or name is ever stored. Feedback votes store only an HMAC of
a voter key under a random salt kept in the database, enough to allow one vote
per person per answer and nothing more.

Where: QUERY_LOG is a SQLite file (querylog_sqlite, the default), a PostgreSQL
URL shared by a fleet of processes (querylog_postgres), or `off`.

Never delaying an answer: `record` only chooses the entry's id and puts the
entry in a bounded queue; one background thread per log writes the queue in
order. When the database fails (down, locked, read-only, corrupt) the writer
keeps the entries and retries with exponential backoff, warning once per
outage; it drops entries, and counts them, only when the queue is full because
the database stayed down. The count reaches the report (bot.services.gaps,
built from the log's entries the same way on every backend). Votes go through the
same queue, so a vote follows the answer it is about, and wait for their
outcome only briefly (the 3-second interaction deadline).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import re
import secrets
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal, TypeVar

from bot.core import Answer, Engine
from bot.services import gaps
from bot.services.namelike import ANSWERED_NOTHING, left_out
from bot.services.querylog_model import MAX_ID, Entry, QueryLogError, Store, StoreDown
from bot.services.querylog_sqlite import SqliteStore
from bot.shared.formats import plural
from bot.shared.logtarget import OFF, is_off, is_postgres
from bot.shared.normalize import key, normalize

__all__ = ["QueryLog", "QueryLogError", "alog_answer", "log_answer", "scrub"]

log = logging.getLogger(__name__)

FrontEnd = Literal["slash", "prefix", "dm", "mention", "console", "cli"]
_T = TypeVar("_T")
_DISCORD_MENTION_RE = re.compile(r"<(?:@[!&]?|#)\d+>")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def scrub(text: str) -> str:
    """A question may @mention someone: `<@1234>` is a user id, so it goes."""
    return _DISCORD_MENTION_RE.sub("@someone", _storable(text))


def _storable(text: str) -> str:
    """Text any database holds: no NUL (PostgreSQL text cannot), no lone surrogate
    (a JSON `\\ud800` escape decodes to one; it cannot be encoded as UTF-8)."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


class IdSource:
    """Entry ids chosen without asking the database, so that the answer and its
    vote buttons go out at once: milliseconds since 2025 in the high bits, 22
    random bits below. Two processes clash only by drawing the same 22 bits in
    the same millisecond (one chance in four million for two entries logged in
    that millisecond); one process never repeats itself and counts upwards, so
    its entries keep their order."""

    EPOCH_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            ms = time.time_ns() // 1_000_000 - self.EPOCH_MS
            candidate = max((ms << 22) | secrets.randbits(22), self._last + 1)
            self._last = candidate
            return candidate


@dataclass(frozen=True, slots=True)
class LogStats:
    """How the log is doing in this process (QueryLog.stats()), for monitoring."""

    backend: str
    written: int
    waiting: int
    dropped: int
    """entries not logged because the queue was full while the database was down"""
    refused: int
    """entries the database refused one by one (text it cannot hold, an id clash)"""
    retries: int
    down_since: float | None
    """time.time() when the current outage began, None while the database answers"""
    last_error: str | None


class _Vote:
    """A vote waiting in the queue; its caller waits a little for the outcome."""

    __slots__ = ("done", "query_id", "result", "state", "up", "voter_key")

    def __init__(self, query_id: int, voter_key: str, up: bool) -> None:
        self.query_id, self.voter_key, self.up = query_id, voter_key, up
        self.state: Literal["waiting", "running"] = "waiting"
        self.result: bool | None = None
        self.done = threading.Event()


class _Writer:
    """The queue and the thread that writes it. It holds no reference to its
    QueryLog, so a log nobody uses any more is collected and its writer closed."""

    def __init__(self, open_store: Callable[[], Store], name: str, *, capacity: int,
                 backoff: tuple[float, float]) -> None:
        self._open_store = open_store
        self.name = name
        self.capacity = capacity
        self.backoff = backoff
        self._items: deque[Entry | _Vote] = deque()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closing = False
        self._abandon = False
        self.written = self.dropped = self.refused = self.retries = 0
        self._untold = 0  # dropped entries the database has not been told of yet
        self.down_since: float | None = None
        self.last_error: str | None = None

    # --- callers' side: never waits for the database -----------------------

    def put(self, item: Entry | _Vote) -> bool:
        with self._cond:
            if self._closing:
                return False
            if len(self._items) >= self.capacity:
                if isinstance(item, Entry):
                    self.dropped += 1
                    self._untold += 1
                    if self.dropped == 1 or self.dropped % 1000 == 0:
                        log.warning("query log %s: %s dropped: the queue is full, the database "
                                    "still down (%s)", self.name, plural(self.dropped, "entry", "entries"),
                                    self.last_error or "no answer yet")
                return False
            self._items.append(item)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=f"querylog {self.name}",
                                                daemon=True)
                self._thread.start()
            self._cond.notify_all()
            return True

    def wait_vote(self, vote: _Vote, timeout: float) -> bool | None:
        """The vote's outcome, or None when the database did not give it in time."""
        if vote.done.wait(timeout):
            return vote.result
        with self._cond:
            if vote.state == "waiting":  # never started (the queue is stuck): take it back
                if vote in self._items:
                    self._items.remove(vote)
                return None
        # under way: the voter is told "try later" even if it lands a moment after
        return vote.result if vote.done.wait(0.5) else None

    def flush(self, timeout: float) -> bool:
        """Wait until everything queued so far is written; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            return self._cond.wait_for(lambda: not self._items or self._abandon,
                                       max(0.0, deadline - time.monotonic())) and not self._items

    def close(self, timeout: float) -> None:
        """Write what is queued for at most `timeout` seconds, then stop; what is
        left is dropped, counted and warned about."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        with self._cond:
            self._abandon = True
            left = sum(isinstance(i, Entry) for i in self._items)
            for item in self._items:
                if isinstance(item, _Vote):
                    item.done.set()
            self._items.clear()
            self._cond.notify_all()
        if left:
            self.dropped += left
            log.warning("query log %s: %s not logged at exit: %s", self.name,
                        plural(left, "entry", "entries"), self.last_error or "the database is slow")
        if thread is not None:
            thread.join(min(timeout, 0.5))  # a daemon: exit need not wait for a stuck connect

    def stats(self, backend: str) -> LogStats:
        with self._cond:
            return LogStats(backend, self.written, len(self._items), self.dropped, self.refused,
                            self.retries, self.down_since, self.last_error)

    def untold(self) -> int:
        with self._cond:
            return self._untold

    # --- the writer thread --------------------------------------------------

    def _next_batch(self) -> list[Entry] | _Vote | None:
        """The entries at the head of the queue (up to 200), or the vote there;
        they stay queued until written. None: closed and nothing left."""
        with self._cond:
            while not self._items and not self._closing:
                self._cond.wait()
            if self._abandon or not self._items:
                return None
            head = self._items[0]
            if isinstance(head, _Vote):
                head.state = "running"
                return head
            batch: list[Entry] = []
            for item in self._items:
                if not isinstance(item, Entry) or len(batch) == 200:
                    break
                batch.append(item)
            return batch

    def _run(self) -> None:
        store: Store | None = None
        delay = self.backoff[0]
        while (batch := self._next_batch()) is not None:
            refused = 0
            try:
                store = store or self._open_store()
                if isinstance(batch, _Vote):
                    batch.result = store.vote(batch.query_id, batch.voter_key, batch.up)
                else:
                    refused = store.write(batch)
            except StoreDown as exc:
                self._failed(exc)
                if isinstance(batch, _Vote):  # one try: its voter is waiting, to be told "later"
                    self._done(batch, 0, answered=False)
                with self._cond:  # back off, with jitter so a fleet does not come back at once
                    self._cond.wait_for(lambda: self._abandon, delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, self.backoff[1])
                continue
            except Exception:  # a bug, not the database: never kill the thread
                log.exception("query log %s: unexpected error", self.name)
                refused = len(batch) if isinstance(batch, list) else 0
            delay = self.backoff[0]
            self._done(batch, refused)
            if store is not None:
                self._tell_dropped(store)
        if store is not None:
            store.close()

    def _tell_dropped(self, store: Store) -> None:
        """Once the database answers again, it learns how many entries were lost."""
        if untold := self.untold():
            try:
                store.add_dropped(untold, _now())
            except StoreDown:
                return  # next time
            with self._cond:
                self._untold -= untold

    def _failed(self, exc: StoreDown) -> None:
        with self._cond:
            self.retries += 1
            self.last_error = str(exc)
            first = self.down_since is None
            if first:
                self.down_since = time.time()
        if first:
            log.warning("query log %s unavailable, retrying in the background: %s", self.name, exc)

    def _done(self, batch: list[Entry] | _Vote, refused: int, *, answered: bool = True) -> None:
        with self._cond:
            if isinstance(batch, _Vote):
                self._items.popleft()
                batch.done.set()
            else:
                for _ in batch:
                    self._items.popleft()
                self.written += len(batch) - refused
                self.refused += refused
            back = None
            if answered:
                back, self.down_since = self.down_since, None
            self._cond.notify_all()
        if refused:
            log.warning("query log %s refused %s", self.name, plural(refused, "entry", "entries"))
        if back is not None:
            log.warning("query log %s available again after %.0f s (%s dropped so far)", self.name,
                        time.time() - back, plural(self.dropped, "entry", "entries"))


class QueryLog:
    """The query log at `target` (a SQLite path or a postgresql:// URL);
    `QueryLog(None)` is a disabled log that records nothing.

    Nothing touches the database until the first entry, so building one is free
    and a bot that is never asked anything creates no file.
    """

    CAPACITY = 10_000
    BACKOFF = (0.25, 15.0)
    VOTE_TIMEOUT = 2.0
    """seconds a vote waits for the database: Discord wants a reply within 3"""
    CLOSE_TIMEOUT = 3.0
    """seconds spent at exit writing what is still queued"""

    def __init__(self, target: Path | str | None, *, capacity: int = CAPACITY,
                 backoff: tuple[float, float] = BACKOFF, vote_timeout: float = VOTE_TIMEOUT) -> None:
        self.url: str | None = None
        self.path: Path | None = None
        if target is not None and is_postgres(str(target)):
            # psycopg is loaded only by a log that uses it
            from bot.services.querylog_postgres import PostgresStore, describe

            self.url = str(target).strip()
            self.name, self.backend = describe(self.url), "postgresql"
            self._open: Callable[[], Store] = partial(PostgresStore, self.url)
        else:
            self.path = Path(target) if target is not None else None
            self.name, self.backend = str(self.path or OFF), "sqlite"
            self._open = partial(SqliteStore, self.path or "")
        self.vote_timeout = vote_timeout
        self._ids = IdSource()
        self._writer = _Writer(self._open, self.name, capacity=capacity, backoff=backoff)
        # At exit (or when this log is collected) write what is queued, briefly.
        self._finalizer = weakref.finalize(self, self._writer.close, self.CLOSE_TIMEOUT)

    @classmethod
    def from_setting(cls, value: str, **options) -> QueryLog:
        """Settings.query_log: a path, a postgresql:// URL, or `off`."""
        return cls(None if is_off(value) else value, **options)

    @property
    def enabled(self) -> bool:
        return self.url is not None or self.path is not None

    def exists(self) -> bool:
        """Whether there may be something to report (a SQLite file that is there)."""
        return self.enabled and self._open().exists()

    def stats(self) -> LogStats:
        return self._writer.stats(self.backend)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything recorded so far is written (tests, report)."""
        return self._writer.flush(timeout)

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        self._finalizer.detach()
        self._writer.close(timeout)

    # --- writing --------------------------------------------------------

    def record(self, *, front_end: FrontEnd | str, command: str, query: str, kind: str,
               entities: Sequence[str] = (), unknown: Sequence[str] = (),
               suggestions: Sequence[str] = (), facts: Sequence[str] = (),
               dropped: Sequence[str] = (), version: str = "", latency_ms: float = 0.0,
               at: dt.datetime | None = None) -> int | None:
        """Queue one query and return its id (for feedback buttons) at once; None
        when the log is off, or full because the database stayed down. Never
        raises for a database problem and never waits for the database.

        `entities` and `suggestions` are entity ids, `facts` the ids of the facts
        the answer showed, `dropped` the names of the question it left out. A
        query counts as having taken a suggestion when one of its entities was
        among the suggestions of the previous query in the same front end, if
        that one found nothing and is at most five minutes older.
        """
        if not self.enabled:
            return None
        query = scrub(query)
        entry = Entry(self._ids.next(), at or _now(), str(front_end), command, query,
                      normalize(query), str(kind), tuple(map(_storable, entities)),
                      tuple(map(_storable, unknown)), tuple(map(_storable, suggestions)),
                      version, latency_ms, tuple(map(_storable, facts)),
                      tuple(map(_storable, dropped)))
        return entry.id if self._writer.put(entry) else None

    def vote(self, query_id: int, voter_key: str, up: bool) -> bool | None:
        """One vote per person per answer: True when counted; False when refused
        (a second vote either way, the log off, an id no log could hold); None when
        it cannot be saved now: the database did not answer within vote_timeout, or
        has no such answer (yet: another process may still be writing it). Only a
        salted HMAC of voter_key is kept."""
        if not self.enabled or not 0 < query_id <= MAX_ID:
            return False
        vote = _Vote(query_id, voter_key, up)
        if not self._writer.put(vote):
            return None
        return self._writer.wait_vote(vote, self.vote_timeout)

    async def avote(self, query_id: int, voter_key: str, up: bool) -> bool | None:
        return await asyncio.to_thread(self.vote, query_id, voter_key, up)

    # --- reading --------------------------------------------------------

    def _read(self, read: Callable[[Store], _T]) -> _T:
        """`read` on a fresh connection, after this process's own entries if it can
        write them in time. Unlike record, this raises QueryLogError (an OSError)
        when the database cannot be read: it is a maintainer's tool."""
        self.flush(self.vote_timeout)
        store = self._open()
        try:
            return read(store)
        except StoreDown as exc:
            raise QueryLogError(str(exc)) from None
        finally:
            store.close()

    def entries(self, days: int | None = None) -> list[gaps.Logged]:
        """Every query of the last `days` days (all when None), oldest first, with
        its votes, from the shared log: every process's entries."""
        if not self.enabled:
            return []
        return self._read(lambda store: store.entries(days))

    def report(self, days: int | None = None, limit: int = 10,
               engine: Engine | None = None) -> gaps.Report:
        """The maintainers' report (bot.services.gaps) of the last `days` days (all
        time when None); with `engine`, the current base says which names it has
        learnt since. It counts the entries lost while the database was down:
        those every process told the database of, and this one's not told yet."""
        if not self.enabled:
            return gaps.Report(days)
        entries, lost = self._read(lambda store: (store.entries(days), store.not_logged(days)))
        return gaps.build(entries, days, engine, limit, lost + self._writer.untold())


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
    """log_answer for the Discord side. Recording only queues, but finding the
    names an answer left out links the question again (and loads the dictionaries
    the first time): that runs in a thread, off the event loop."""
    if querylog is None or not querylog.enabled:
        return None
    return await asyncio.to_thread(log_answer, querylog, front_end, answer, engine, latency_ms)
