from __future__ import annotations

from pathlib import Path

from bot.cli import main
from tests.knowledge.fixtures import FACTS, write_base


def test_validate_summarises_a_good_base(tmp_path: Path, capsys) -> None:
    assert main(["validate", "--knowledge", str(write_base(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "OK: 1 sources, 2 entities, 5 aliases, 2 facts" in out


def test_validate_lists_every_problem_with_its_place(tmp_path: Path, capsys) -> None:
    facts = FACTS.replace("subject: acme\n    entities", "subject: ghost\n    entities")
    facts = facts.replace("nature: forecast", "nature: rumour")
    assert main(["validate", "--knowledge", str(write_base(tmp_path, facts__main=facts))]) == 1
    err = capsys.readouterr().err
    assert "2 problem(s)" in err
    assert "knowledge/facts/main.yaml:2 [release.acme-one]: entity 'ghost'" in err
    assert "knowledge/facts/main.yaml:9 [outlook.acme-wins]: nature: Input should be" in err
