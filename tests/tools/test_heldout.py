"""The drafter on a held-out article (tests/tools/heldout.py) over a small base:
what a maintainer checks first in a draft."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import Engine
from bot.knowledge import load
from bot.tools.draft import SourceMeta, draft_article, split_sentences
from tests.tools.heldout import ARTICLE, PUBLISHED, write_heldout_base


@pytest.fixture
def draft(tmp_path: Path) -> dict:
    engine = Engine(load(write_heldout_base(tmp_path)))
    return draft_article(engine, ARTICLE, SourceMeta("test-lumora", outlet="Test Times",
                                                     published=PUBLISHED))


def _fact(draft: dict, start: str) -> dict:
    return next(f for f in draft["facts"] if f["evidence"].startswith(start))


def test_every_sentence_is_a_candidate_with_the_right_paragraph(draft: dict) -> None:
    assert len(draft["facts"]) == 13
    assert draft["sources"][0]["paragraphs"] == 6
    assert draft["sources"][0]["title"].startswith("TODO")  # never the headline
    assert [f["cite"]["paragraph"] for f in draft["facts"]] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 6, 6]
    # a sentence naming no known entity is a candidate too, with a subject to check
    commerce = _fact(draft, "The U.S. Commerce Department")
    assert commerce["subject"] == "commerce-department"
    assert all(f["draft"] and f["draft_notes"] for f in draft["facts"])


def test_sentences_split_at_chinese_stops_not_at_abbreviations_or_versions() -> None:
    assert split_sentences("鹿摩表示，增长了一倍。该模型已接入。") == [
        "鹿摩表示，增长了一倍。", "该模型已接入。"]
    text = "The U.S. Commerce Department met No. 2 rival GLM-4.5 makers. Then it left."
    assert split_sentences(text) == ["The U.S. Commerce Department met No. 2 rival GLM-4.5 makers.",
                                     "Then it left."]
    assert len(split_sentences("Li said, “It is fast. It is cheap.” Then he left.")) == 2


def test_relative_dates_resolve_against_the_article_date(draft: dict) -> None:
    monday = _fact(draft, "Lumora Technologies")["when"]
    assert monday["date"] == "2025-06-09" and "Monday" in monday["note"]
    assert _fact(draft, "Lumora raised")["when"]["date"] == "2025-05"
    past = _fact(draft, "Its revenue")["when"]
    assert (past["start"], past["end"]) == ("2024-06-11", "2025-06-11")
    target = _fact(draft, "Chief executive")["when"]
    assert target["end"] == "2027" and "target" in target["note"]
    assert _fact(draft, "He added")["when"]["date"] == "2026"
    assert _fact(draft, "The Cyberspace")["when"]["date"] == "2025-06-09"  # "the 9th"
    assert _fact(draft, "鹿摩表示")["when"]["date"] == "2025-05"


def test_figures_keep_their_units(draft: dict) -> None:
    assert _fact(draft, "Spark-3.5 has")["numbers"] == ["236B parameters", "21B parameters"]
    assert _fact(draft, "It was trained")["numbers"] == ["9.6T tokens"]
    assert _fact(draft, "Lumora raised")["numbers"] == ["$1.2 billion"]
    assert _fact(draft, "Its revenue")["numbers"] == ["40 per cent"]
    assert _fact(draft, "鹿摩表示")["numbers"] == ["增长了一倍"]


def test_pronouns_and_descriptions_resolve_to_the_right_entity(draft: dict) -> None:
    company = _fact(draft, "The company said")
    assert company["subject"] == "lumora" and "acme-one" in company["entities"]
    trained = _fact(draft, "It was trained")
    assert trained["subject"] == "spark-3-5"  # "It": the last subject, the model
    assert "lumora" in trained["entities"]  # "the firm"
    assert _fact(draft, "Its revenue")["subject"] == "lumora"
    assert "spark-3-5" in _fact(draft, "Chief executive")["entities"]  # "the model"
    assert _fact(draft, "He added")["subject"] == "wang-lei"
    chinese = _fact(draft, "该模型")
    assert chinese["subject"] == "spark-3-5" and "lumora" in chinese["entities"]  # 该模型, 公司
    assert _fact(draft, "Spark-3.5 has")["subject"] == "spark-3-5"  # the model, not its maker


def test_nature_and_by_are_guessed_from_the_verbs(draft: dict) -> None:
    claim = _fact(draft, "The company said")
    assert (claim["nature"], claim["by"]) == ("claim", "lumora")
    trained = _fact(draft, "It was trained")
    assert (trained["nature"], trained["by"]) == ("claim", "lumora")  # "the firm said"
    plan = _fact(draft, "Chief executive")
    assert (plan["nature"], plan["by"]) == ("plan", "wang-lei")
    assert _fact(draft, "He added")["nature"] == "forecast"
    assert _fact(draft, "Analysts believe")["nature"] == "analysis"
    assert _fact(draft, "Lumora raised")["nature"] == "reported" and "by" not in _fact(draft, "Lumora raised")
    assert _fact(draft, "鹿摩表示")["nature"] == "claim"


def test_new_entities_are_sensible_proposals(draft: dict) -> None:
    new = {e["id"]: e for e in draft["new_entities"]}
    assert set(new) == {"spark-3-5", "wang-lei", "commerce-department",
                        "cyberspace-administration-of-china"}  # no "B", "U", "Chief", "Hong Kong"
    assert (new["spark-3-5"]["name"], new["spark-3-5"]["kind"]) == ("Spark-3.5", "model")
    assert new["wang-lei"]["kind"] == "person"
    assert new["cyberspace-administration-of-china"]["kind"] == "regulator"
    assert {s["paragraph"] for s in new["spark-3-5"]["seen"]} >= {1, 2}
    assert all(e["description"].startswith("TODO") for e in new.values())
