"""`timeline`: counts read as a person would write them."""

from __future__ import annotations

from pathlib import Path

from bot.core import Engine, route
from bot.knowledge import load
from tests.knowledge.fixtures import write_base


def test_one_fact_is_counted_in_the_singular(tmp_path: Path) -> None:
    engine = Engine(load(write_base(tmp_path)))
    assert route(engine, "timeline acme").summary == (
        "1 dated fact; 1 more describes things as of its source (see `about` or `ask`).")


def test_many_facts_are_counted_in_the_plural(engine) -> None:
    summary = route(engine, "timeline deepseek").summary
    assert summary.startswith("4 dated facts; 3 more describe things as of their sources")
