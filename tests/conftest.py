from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.core import Engine
from bot.knowledge import load

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _query_log_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Queries answered by tests (console, `query` subprocesses) are logged in a
    temporary directory, never in the repository's data/."""
    os.environ["QUERY_LOG"] = str(tmp_path_factory.mktemp("querylog") / "queries.sqlite3")


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine over the shipped fact base, as users meet it."""
    return Engine(load(ROOT / "knowledge"))
