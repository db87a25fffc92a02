from __future__ import annotations

from bot.knowledge import load
from bot.knowledge.diff import diff
from tests.knowledge.fixtures import FACTS, write_base


def test_diff_names_added_removed_and_changed(tmp_path) -> None:
    old = load(write_base(tmp_path / "a"))
    facts = FACTS.replace("first model", "debut model").split("  - id: outlook")[0]
    facts += FACTS.split("facts:\n")[1].split("  - id: outlook")[0].replace(
        "release.acme-one", "release.acme-two").replace("first model", "second model")
    new = load(write_base(tmp_path / "b", facts__main=facts))
    d = diff(old, new)
    assert d.facts.added == ("release.acme-two",)
    assert d.facts.removed == ("outlook.acme-wins",)
    assert d.facts.changed == ("release.acme-one",)
    assert d.entities.empty and d.sources.empty
    assert d.lines()[0].startswith("Facts: 1 added (release.acme-two); 1 removed")


def test_no_change_says_so(tmp_path) -> None:
    kb = load(write_base(tmp_path))
    assert diff(kb, kb).lines() == ["No changes: the files say what they said before."]
