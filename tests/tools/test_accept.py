"""`python -m bot accept`: refuses unfinished drafts with their place; moves a
finished one into the base, validated, never over an existing file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core import Engine
from bot.frontends.cli import main
from bot.knowledge import load
from bot.tools.accept import AcceptError, accept
from bot.tools.draft import SourceMeta, make_draft
from tests.tools.heldout import PUBLISHED, write_article, write_heldout_base

SID = "test-lumora"


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """(knowledge dir, a fresh draft of the held-out article)."""
    knowledge = write_heldout_base(tmp_path)
    article = write_article(tmp_path, "041_test-lumora.txt")
    path, _ = make_draft(Engine(load(knowledge)), article, SourceMeta(SID, outlet="Test Times",
                         published=PUBLISHED), tmp_path / "drafts" / f"{SID}.yaml", knowledge)
    return knowledge, path


def _edit(path: Path) -> dict:
    """What a maintainer does: keep two facts, rewrite them, keep one entity."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    kept = []
    for fact, (name, statement) in zip(data["facts"][:2], [
            ("spark-3-5-released", "Lumora put out its Spark-3.5 model at the start of that week."),
            ("coding-claim", "Lumora says its new model does better at coding tests than Acme One.")],
            strict=True):
        fact = {k: v for k, v in fact.items() if k not in ("draft", "evidence", "numbers")}
        kept.append({**fact, "id": f"{SID}.{name}", "statement": statement})
    data["facts"] = kept
    data["sources"][0]["title"] = "Lumora's Spark-3.5 launch"
    data["new_entities"] = [{**e, "description": "Lumora's 2025 model."} for e in data["new_entities"]
                            if e["id"] == "spark-3-5"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def test_the_draft_records_the_seed_file_and_its_article(setup) -> None:
    _, path = setup
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["sources"][0]["seed_file"] == "041_test-lumora.txt"
    assert Path(data["article"]).is_file()


def test_refuses_each_unfinished_entry_with_its_place(setup) -> None:
    knowledge, path = setup
    data = _edit(path)
    untouched = yaml.safe_load(path.read_text(encoding="utf-8"))
    bad = dict(data["facts"][0], draft=True, evidence="x", numbers=["1"], statement="TODO: later")
    copied = dict(data["facts"][1], statement="The company said its new model beats Acme One on "
                                              "coding benchmarks, we hear.")
    wrong_id = dict(data["facts"][1], id="coding-claim")
    untouched["facts"] = [bad, copied, wrong_id]
    untouched["new_entities"] = [{**untouched["new_entities"][0], "description": "TODO: say"}]
    path.write_text(yaml.safe_dump(untouched, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(AcceptError) as info:
        accept(path, knowledge)
    problems = info.value.problems
    lines = path.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines, 1) if f"id: {SID}.spark-3-5-released" in line)

    def said(entry: str, words: str) -> list[str]:
        return [p for p in problems if f": {entry}: " in p and words in p]

    for words in ("still marked draft", "`evidence`", "`numbers`", "still says TODO"):
        (problem,) = said(f"{SID}.spark-3-5-released", words)
        assert problem.startswith(f"{path}:{first}:")
    assert said(f"{SID}.coding-claim", "repeats 8 or more words")
    assert said("coding-claim", "must start with “test-lumora.”")
    assert said("entity spark-3-5", "TODO")
    assert not (knowledge / "facts" / f"{SID}.yaml").exists()


def test_a_finished_draft_is_written_validated_and_never_overwritten(setup, capsys) -> None:
    knowledge, path = setup
    _edit(path)
    assert main(["accept", str(path), "--knowledge", str(knowledge)]) == 0
    assert "!reload" in capsys.readouterr().out
    kb = load(knowledge)
    assert kb.sources[SID].seed_file == "041_test-lumora.txt"
    assert len(kb.facts_by_source[SID]) == 2
    assert "spark-3-5" in kb.entities
    entities = (knowledge / "entities" / f"{SID}.yaml").read_text(encoding="utf-8")
    assert "seen:" not in entities and "kind_guess" not in entities
    record = (knowledge.parent / "seeds" / f"{SID}.md").read_text(encoding="utf-8")
    assert "| published | 2025-06-11 |" in record and "- ¶6: TODO" in record and "¶7" not in record
    before = (knowledge / "facts" / f"{SID}.yaml").read_text(encoding="utf-8")
    assert main(["accept", str(path), "--knowledge", str(knowledge)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (knowledge / "facts" / f"{SID}.yaml").read_text(encoding="utf-8") == before


def test_a_draft_the_base_refuses_leaves_nothing_behind(setup) -> None:
    knowledge, path = setup
    data = _edit(path)
    data["new_entities"] = []  # the facts still name spark-3-5
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(AcceptError) as info:
        accept(path, knowledge)
    assert "validation failed" in info.value.problems[0]
    assert any("spark-3-5" in p for p in info.value.problems[1:])
    assert not (knowledge / "facts" / f"{SID}.yaml").exists()
    assert not (knowledge.parent / "seeds" / f"{SID}.md").exists()
    load(knowledge)  # the base is as it was


def test_a_title_copied_from_the_headline_is_refused(setup) -> None:
    knowledge, path = setup
    data = _edit(path)
    data["sources"][0]["title"] = "Lumora bets on Spark-3.5 as rivals close in"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(AcceptError) as info:
        accept(path, knowledge)
    assert any("the title repeats the article's words" in p for p in info.value.problems)


def test_a_url_whose_slug_is_the_headline_is_refused(setup) -> None:
    knowledge, path = setup
    data = _edit(path)
    data["sources"][0]["url"] = "https://news.example/lumora-bets-on-spark-3-5-as-rivals-close-in"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(AcceptError) as info:
        accept(path, knowledge)
    assert any("the url repeats the article's words" in p and "leave `url` out" in p
               for p in info.value.problems)
