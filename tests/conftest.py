from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import Engine
from bot.knowledge import load

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine over the shipped fact base, as users meet it."""
    return Engine(load(ROOT / "knowledge"))
