"""`sources`: the articles by outlet, title and date, newest first."""

from __future__ import annotations

from pathlib import Path

from bot.core import Engine, Kind, route
from bot.knowledge import load
from tests.knowledge.fixtures import FACTS, SOURCES, write_base

NEWER = SOURCES + """\
  - id: src-b
    title: A later test article
    outlet: Daily Test
    published: "2025-06-02"
    record: seeds/src-b.md
    paragraphs: 1
"""
NEWER_FACT = FACTS + """\
  - id: release.acme-two
    subject: acme
    category: release
    statement: Acme put out a second model.
    when: {date: "2025-06-01"}
    cite: {source: src-b, paragraph: 1}
    nature: reported
"""


def test_sources_are_listed_by_outlet_title_and_date_newest_first(tmp_path: Path) -> None:
    engine = Engine(load(write_base(tmp_path, sources=NEWER, facts__main=NEWER_FACT)))
    answer = route(engine, "sources")
    assert answer.kind is Kind.SOURCES
    assert answer.summary == "2 sources, newest first."
    assert [s.title for s in answer.sections] == [
        "Daily Test: “A later test article” (2 Jun 2025)",
        "Test Times: “A test article” (Mar 2025, date inferred)",
    ]
    listed = [line for s in answer.sections for line in s.lines]
    assert "¶1: Acme put out a second model." in listed
    ids = {*engine.kb.sources, *engine.kb.facts}
    assert not any(line.strip(" -•:") in ids or line.endswith(tuple(ids)) for line in listed)
    assert "Cited by 1 fact:" in listed  # not "1 facts"
