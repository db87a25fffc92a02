"""The news of a reload, per subscription: plain data, no Discord."""

from __future__ import annotations

from pathlib import Path

from bot.core import Engine
from bot.core.digest import Newsfeed, name_entities
from bot.knowledge import Loader
from bot.knowledge.diff import diff
from tests.knowledge.fixtures import FACTS, write_base

ROCKET = """\
  - id: release.acme-two
    subject: acme-one
    category: release
    statement: Acme put out a second version of Acme One.
    when: {date: "2025-03-28"}
    cite: {source: src-a, paragraph: 2}
    nature: reported
"""
OTHER = """\
entities:
  - id: globex
    name: Globex
    kind: company
    description: Another company.
facts:
  - id: market.globex-shares
    subject: globex
    category: market
    statement: Globex shares rose.
    when: {date: "2025-03-20"}
    cite: {source: src-a, paragraph: 3}
    nature: reported
"""


def reload(tmp_path: Path, **files: str) -> Newsfeed:
    knowledge = write_base(tmp_path)
    loader = Loader(knowledge)
    old = Engine(loader.load())
    write_base(tmp_path, **files)
    new = Engine(loader.load(), previous=old)
    return Newsfeed(old.kb, new, diff(old.kb, new.kb))


def test_new_facts_grouped_by_entity_newest_first(tmp_path: Path) -> None:
    feed = reload(tmp_path, facts__main=FACTS + ROCKET, facts__other=OTHER)
    digest = feed.for_entities()
    assert digest is not None and digest.count == 2
    assert [(g.name, [i.fact.id for i in g.items]) for g in digest.groups] == [
        ("Acme One", ["release.acme-two"]), ("Globex", ["market.globex-shares"])]
    item = digest.groups[0].items[0]
    assert item.fact.cite.outlet == "Test Times" and item.fact.when == "28 Mar 2025"
    assert not item.updated


def test_a_subscription_gets_its_entities_and_what_they_make(tmp_path: Path) -> None:
    feed = reload(tmp_path, facts__main=FACTS + ROCKET, facts__other=OTHER)
    acme = feed.for_entities(["acme"])  # Acme makes Acme One
    assert acme is not None and [g.entity_id for g in acme.groups] == ["acme-one"]
    globex = feed.for_entities(["globex"])
    assert globex is not None and [g.entity_id for g in globex.groups] == ["globex"]
    assert feed.for_entities(["gone-from-the-base"]) is None


def test_nothing_when_nothing_a_reader_sees_changed(tmp_path: Path) -> None:
    same = reload(tmp_path)
    assert not same and same.for_entities() is None
    keywords = reload(tmp_path, facts__main=FACTS.replace(
        "nature: forecast", "nature: forecast\n    keywords: [lead]"))
    assert not keywords and keywords.for_entities() is None


def test_a_reworded_fact_is_news_marked_updated(tmp_path: Path) -> None:
    feed = reload(tmp_path, facts__main=FACTS.replace("expects Acme to lead",
                                                      "expects Acme to lead the market"))
    digest = feed.for_entities(["acme"])
    assert digest is not None
    (item,) = digest.groups[0].items
    assert item.updated and "lead the market" in item.fact.statement


def test_naming_entities(tmp_path: Path) -> None:
    engine = Engine(Loader(write_base(tmp_path)).load())
    assert name_entities(engine, "acme, A1") == (("acme", "acme-one"), "")
    ids, problem = name_entities(engine, "acme zorblax")
    assert ids == () and "zorblax" in problem
