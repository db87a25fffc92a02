"""The loader's shortcuts give what the plain path gives.

`build` first tries `_build_fast` (whole-set checks on what each file worked
out on its own) and only walks every entry when that fails; these tests make
the plain walk run too and compare the two knowledge bases field by field,
order included.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.knowledge import Loader, loader
from bot.knowledge.base import KnowledgeBase
from tests.knowledge.fixtures import FACTS, write_base
from tests.paths import FT_BASE

FIELDS = ("sources", "entities", "facts", "alias_index", "facts_by_entity", "facts_by_source",
          "children", "locations")


def _same(a: KnowledgeBase, b: KnowledgeBase) -> None:
    for name in FIELDS:
        assert list(getattr(a, name).items()) == list(getattr(b, name).items()), name
    assert a.version == b.version


def _plain(root: Path, monkeypatch) -> KnowledgeBase:
    with monkeypatch.context() as m:
        m.setattr(loader, "_build_fast", lambda files: None)
        return Loader(root).load()


def test_shipped_base_builds_the_same_both_ways(monkeypatch) -> None:
    _same(Loader(FT_BASE).load(), _plain(FT_BASE, monkeypatch))


def test_fixture_base_builds_the_same_both_ways(tmp_path: Path, monkeypatch) -> None:
    second = FACTS.replace("release.acme-one\n    subject: acme\n    entities: [acme-one]",
                           "release.acme-one\n    subject: acme\n    entities: [acme-one, acme]")
    knowledge = write_base(tmp_path, facts__main=second)
    _same(Loader(knowledge).load(), _plain(knowledge, monkeypatch))


def test_reload_reuses_the_unchanged_files_work(tmp_path: Path, monkeypatch) -> None:
    knowledge = write_base(tmp_path)
    kept = Loader(knowledge)
    kept.load()
    (knowledge / "facts" / "main.yaml").write_text(FACTS.replace("Acme put out", "Acme shipped"))
    _same(kept.load(), _plain(knowledge, monkeypatch))


def test_facts_share_equal_when_and_cite(tmp_path: Path) -> None:
    twice = FACTS + FACTS.replace("facts:\n", "").replace("id: release.acme-one",
                                                          "id: release.acme-again").replace(
        "id: outlook.acme-wins", "id: outlook.acme-again")
    kb = Loader(write_base(tmp_path, facts__main=twice)).load()
    one, again = kb.facts["release.acme-one"], kb.facts["release.acme-again"]
    assert one.when is again.when and one.cite is again.cite
    assert one == dataclasses.replace(again, id="release.acme-one")
