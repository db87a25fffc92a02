from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from bot.services.querylog import QueryLog
from tests.servers.postgres import own_postgres, postgres_server, postgres_url  # noqa: F401  (fixtures)


@dataclass
class Backend:
    """One database for the query log, and a way to read its tables as they are."""

    kind: str
    target: str
    logs: list[QueryLog] = field(default_factory=list)

    def log(self, **options) -> QueryLog:
        """A QueryLog on this database (a second call: as a second process would)."""
        log = QueryLog(self.target, backoff=(0.02, 0.2), **options)
        self.logs.append(log)
        return log

    def rows(self, table: str = "queries") -> list[dict]:
        """The table's rows by id, with JSON lists decoded, whichever backend."""
        order = "id" if table == "queries" else "query_id, voter_hash"
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.target)
            conn.row_factory = sqlite3.Row
            try:
                found = [dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY {order}")]
            finally:
                conn.close()
        else:
            with psycopg.connect(self.target) as conn, conn.cursor() as cursor:
                cursor.execute(f"SELECT * FROM querylog.{table} ORDER BY {order}")
                names = [c.name for c in cursor.description]
                found = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        for row in found:
            for column in ("entities", "unknown", "suggestions", "facts", "dropped"):
                if isinstance(row.get(column), str):
                    row[column] = json.loads(row[column])
        return found


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The same behaviour test on the embedded default and on PostgreSQL."""
    if request.param == "sqlite":
        found = Backend("sqlite", str(tmp_path / "q.sqlite3"))
    else:
        found = Backend("postgresql", request.getfixturevalue("postgres_url"))
    yield found
    for log in found.logs:
        log.close()
