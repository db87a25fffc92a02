"""What logging an answer costs the answer, and how fast the writer empties its queue:
`python -m bench.log_writer [--entries N]`.

For SQLite and for a real PostgreSQL (started like the tests' one; skipped when none is
installed), with the database up and, for PostgreSQL, down:

* record: p50/p99/max of `QueryLog.record()`, what every answer now waits for (it only
  queues the entry);
* direct write: p50/p99 of one entry written in its own transaction, what every answer
  waited for before the queue (and for as long as a lock or a dead server held it);
* drain: entries per second the background writer stores, from the first record to
  the end of flush().

The last line is machine-readable: `log_writer: sqlite_record_p99_us=X ...`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.services.querylog import QueryLog
from bot.services.querylog_model import Entry, Store
from bot.services.querylog_sqlite import SqliteStore


def _percentiles(samples_ns: list[int]) -> tuple[float, float, float]:
    """p50, p99, max in microseconds."""
    cuts = statistics.quantiles(samples_ns, n=100)
    return cuts[49] / 1000, cuts[98] / 1000, max(samples_ns) / 1000


def _record_all(log: QueryLog, entries: int) -> list[int]:
    samples = []
    for n in range(entries):
        start = time.perf_counter_ns()
        log.record(front_end="prefix", command="ask", query=f"who is company {n % 97}?",
                   kind="not_found", unknown=(f"company {n % 97}",), suggestions=("deepseek",))
        samples.append(time.perf_counter_ns() - start)
    return samples


def _direct(open_store: Callable[[], Store], entries: int) -> list[int]:
    store, samples = open_store(), []
    now = dt.datetime.now(dt.UTC)
    try:
        for n in range(entries):
            entry = Entry(10**15 + n, now, "prefix", "ask", f"q {n}", f"q {n}", "not_found")
            start = time.perf_counter_ns()
            store.write([entry])
            samples.append(time.perf_counter_ns() - start)
    finally:
        store.close()
    return samples


def measure(name: str, target: str, open_store: Callable[[], Store], entries: int,
            figures: dict[str, float]) -> None:
    log = QueryLog(target, capacity=entries + 1)
    log.record(front_end="prefix", command="ask", query="warm up", kind="not_found")
    log.flush(30)
    started = time.perf_counter()
    p50, p99, worst = _percentiles(_record_all(log, entries))
    assert log.flush(120), "the writer did not drain"
    rate = entries / (time.perf_counter() - started)
    log.close()
    d50, d99, _ = _percentiles(_direct(open_store, max(200, entries // 10)))
    print(f"{name}: record p50 {p50:.1f} µs, p99 {p99:.1f} µs, max {worst:.0f} µs; "
          f"direct write p50 {d50 / 1000:.2f} ms, p99 {d99 / 1000:.2f} ms; "
          f"drain {rate:,.0f} entries/s")
    figures |= {f"{name}_record_p99_us": round(p99, 1), f"{name}_direct_p99_ms": round(d99 / 1000, 2),
                f"{name}_drain_per_s": round(rate)}


def measure_postgres_down(entries: int, figures: dict[str, float]) -> None:
    from tests.servers.postgres import PostgresServer

    server = PostgresServer().start()
    try:
        log = QueryLog(server.create_database(), capacity=entries + 1, backoff=(0.05, 0.5))
        log.record(front_end="prefix", command="ask", query="warm up", kind="not_found")
        log.flush(30)
        server.kill()
        p50, p99, worst = _percentiles(_record_all(log, entries))
        waiting = log.stats().waiting
        server.start()
        back = time.perf_counter()
        assert log.flush(120), "the writer did not catch up"
        caught_up = time.perf_counter() - back
        log.close()
        print(f"postgresql down: record p50 {p50:.1f} µs, p99 {p99:.1f} µs, max {worst:.0f} µs; "
              f"{waiting:,} waited, all written {caught_up:.2f} s after the server came back")
        figures |= {"pg_down_record_p99_us": round(p99, 1), "pg_catch_up_s": round(caught_up, 2)}
    finally:
        server.remove()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.log_writer", description=__doc__)
    parser.add_argument("--entries", type=int, default=5000)
    args = parser.parse_args(argv)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "q.sqlite3"
        measure("sqlite", str(path), lambda: SqliteStore(path), args.entries, figures)
    try:
        from tests.servers.postgres import PostgresServer

        server = PostgresServer().start()
    except Exception as exc:  # pytest's Skipped too: no PostgreSQL here
        print(f"postgresql: skipped: {exc}")
    else:
        from bot.services.querylog_postgres import PostgresStore

        try:
            url = server.create_database()
            measure("postgresql", url, lambda: PostgresStore(url), args.entries, figures)
        finally:
            server.remove()
        measure_postgres_down(args.entries, figures)
    print("log_writer: " + " ".join(f"{k}={v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
