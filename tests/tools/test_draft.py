from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.core import Engine
from bot.frontends.cli import main
from bot.knowledge import KnowledgeError, load
from bot.tools.draft import PLACEHOLDER, Published, SourceMeta, draft_article, find_dates, split_article
from tests.knowledge.fixtures import FACTS, write_base
from tests.paths import FT_BASE, ROOT

# Written for this test; published on a Wednesday, 2 April 2025.
ARTICLE = """\
DeepSeek and Alibaba step up the pace

DeepSeek released an upgraded model last week.
Alibaba said its cloud revenue grew 13% over the past year, outpacing DeepSeek.

Zhipu, a Beijing start-up, is preparing a listing. Zhipu said on 24 March 2025
that demand for its models had doubled.

Tencent shares rose yesterday. Analysts expect Alibaba to ship more models in March.
"""


def _draft(engine: Engine, published: str | None = "2025-04-02") -> dict:
    return draft_article(engine, ARTICLE, SourceMeta("test-2025-pace", outlet="Test Times",
                                                     published=published))


def _fact(draft: dict, evidence_start: str) -> dict:
    return next(f for f in draft["facts"] if f["evidence"].startswith(evidence_start))


def test_headline_is_not_a_paragraph() -> None:
    headline, paragraphs = split_article(ARTICLE)
    assert headline == "DeepSeek and Alibaba step up the pace"
    assert len(paragraphs) == 3
    assert paragraphs[1].startswith("Zhipu, a Beijing")  # wrapped lines joined
    assert split_article("A first paragraph that is one sentence long.\n\nSecond.")[0] is None


def test_candidate_facts_carry_entities_evidence_and_paragraph(engine: Engine) -> None:
    draft = _draft(engine)
    (source,) = draft["sources"]
    # the headline is the article's words: the title is left for the maintainer's own label
    assert source["title"].startswith("TODO") and "step up the pace" not in source["title"]
    assert source["paragraphs"] == 3
    fact = _fact(draft, "Alibaba said")
    assert fact["subject"] == "alibaba"
    assert fact["entities"] == ["deepseek"]
    assert fact["draft"] is True
    assert fact["statement"] == PLACEHOLDER
    assert fact["evidence"] == ("Alibaba said its cloud revenue grew 13% over the past year, "
                                "outpacing DeepSeek.")
    assert fact["cite"] == {"source": "test-2025-pace", "paragraph": 1}
    assert fact["numbers"] == ["13%"]
    assert _fact(draft, "Tencent shares")["cite"]["paragraph"] == 3
    # Every sentence is a candidate: one naming only a new entity has it as subject.
    assert _fact(draft, "Zhipu, a Beijing")["subject"] == "zhipu"
    assert len(draft["facts"]) == 6


def test_relative_dates_resolve_against_the_article_date(engine: Engine) -> None:
    draft = _draft(engine)
    last_week = _fact(draft, "DeepSeek released")["when"]
    assert (last_week["start"], last_week["end"]) == ("2025-03-24", "2025-03-30")
    assert "last week" in last_week["note"] and "2025-04-02" in last_week["note"]
    past_year = _fact(draft, "Alibaba said")["when"]
    assert (past_year["start"], past_year["end"]) == ("2024-04-02", "2025-04-02")
    assert _fact(draft, "Tencent shares")["when"]["date"] == "2025-04-01"
    # a forecast's "March", in an April article, is the next March
    assert _fact(draft, "Analysts expect")["when"]["date"] == "2026-03"
    assert _fact(draft, "Analysts expect")["category"] == "outlook"


def test_dates_are_never_more_precise_than_the_article() -> None:
    month = Published.parse("2025-03")
    (last_week,) = find_dates("It shipped last week.", month)
    assert last_week.when["date"] == "2025-03" and last_week.when["inferred"]
    (last_month,) = find_dates("It shipped last month.", Published.parse("2025-01"))
    assert last_month.when["date"] == "2024-12"
    (explicit,) = find_dates("It shipped on 24 March 2025.", None)
    assert explicit.when == {"date": "2025-03-24", "inferred": False, "note": "written in the article"}
    (unknown,) = find_dates("It shipped last week.", None)
    assert unknown.when["as_of_source"] and "no article date" in unknown.when["note"]
    assert find_dates("Prices may fall.", month) == []  # the verb, not the month


def test_unknown_capitalised_names_become_candidate_entities(engine: Engine) -> None:
    draft = _draft(engine)
    new = {e["name"]: e["seen"] for e in draft["new_entities"]}
    assert set(new) == {"Zhipu"}  # not Beijing (a place), DeepSeek (known), Analysts, March
    assert {s["paragraph"] for s in new["Zhipu"]} == {2}
    assert new["Zhipu"][0]["sentence"].startswith("Zhipu, a Beijing start-up")
    (zhipu,) = draft["new_entities"]
    assert (zhipu["id"], zhipu["kind"]) == ("zhipu", "company")


def _knowledge_snapshot() -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in (ROOT / "knowledge").rglob("*")}


def test_cli_writes_under_drafts_and_never_into_knowledge(tmp_path: Path, monkeypatch, capsys) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    before = _knowledge_snapshot()
    monkeypatch.chdir(tmp_path)
    assert main(["draft", str(article), "--source-id", "test-2025-pace", "--date", "2025-04-02",
                 "--outlet", "Test Times"]) == 0
    assert _knowledge_snapshot() == before
    out = tmp_path / "drafts" / "test-2025-pace.yaml"
    assert "drafts/test-2025-pace.yaml" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Draft made by")
    data = yaml.safe_load(text)
    assert data["sources"][0]["published"] == "2025-04-02"
    assert all(f["draft"] for f in data["facts"])


def test_cli_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "mine.yaml"
    out.write_text("my edits\n", encoding="utf-8")
    assert main(["draft", str(article), "--source-id", "x", "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "my edits\n"


def test_cli_refuses_a_path_inside_the_knowledge_dir(tmp_path: Path, capsys) -> None:
    knowledge = write_base(tmp_path)
    article = tmp_path / "article.txt"
    article.write_text("Acme shipped a model last week.\n", encoding="utf-8")
    out = knowledge / "facts" / "new.yaml"
    assert main(["draft", str(article), "--source-id", "x", "--knowledge", str(knowledge),
                 "--out", str(out)]) == 1
    assert "inside the knowledge directory" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(("extra", "message"), [
    ("    draft: true\n", "still marked draft"),
    ("    evidence: Acme put out its first model.\n", "still carries `evidence`"),
])
def test_loader_refuses_drafts_in_knowledge(tmp_path: Path, extra: str, message: str) -> None:
    facts = FACTS.replace("    nature: forecast\n", "    nature: forecast\n" + extra)
    with pytest.raises(KnowledgeError) as info:
        load(write_base(tmp_path, facts__main=facts))
    (problem,) = info.value.problems
    assert (problem.file, problem.entry, problem.line) == ("knowledge/facts/main.yaml",
                                                           "outlook.acme-wins", 10)
    assert message in problem.message


def test_an_edited_draft_validates(tmp_path: Path, engine: Engine) -> None:
    """The draft is one edit away from the schema: what the maintainer does by
    hand, done here by code, gives a valid fact base."""
    draft = _draft(engine)
    known = set(engine.kb.entities)
    draft["facts"] = [f for f in draft["facts"]
                      if {f["subject"], *f["entities"], f.get("by")} - {None} <= known]
    for fact in draft["facts"]:
        fact["statement"] = "Rewritten by the maintainer."
        for marker in ("draft", "evidence", "numbers", "draft_notes"):
            del fact[marker]
    del draft["new_entities"]
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FT_BASE, knowledge)
    (knowledge / "draft.yaml").write_text(yaml.safe_dump(draft, allow_unicode=True), encoding="utf-8")
    kb = load(knowledge)
    assert "test-2025-pace" in kb.sources
    assert len(kb.facts_by_source["test-2025-pace"]) == len(draft["facts"])
