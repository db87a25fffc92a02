from __future__ import annotations

import os

import pytest

from bot.core import Engine
from bot.knowledge import load
from tests.paths import FT_BASE


@pytest.fixture(autouse=True, scope="session")
def _query_log_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Queries answered by tests (console, `query` subprocesses, bots) are logged,
    and their start-up caches kept, in temporary directories, never in the
    repository's data/."""
    os.environ["QUERY_LOG"] = str(tmp_path_factory.mktemp("querylog") / "queries.sqlite3")
    # and the start-up cache too (bot.core.startup), beside it
    os.environ["CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    # and `python -m bot ...` subprocesses answer from the tests' fact base
    os.environ["KNOWLEDGE_DIR"] = str(FT_BASE)


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine over the tests' fact base (tests/paths.py says why not the shipped one)."""
    return Engine(load(FT_BASE))
