"""The fact base we ship: valid, complete for its source, and in our own words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge import load

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT.parent / "shared" / "seeds" / "000_8c456c5b4a976bcc.txt"


@pytest.fixture(scope="module")
def kb():
    return load(ROOT / "knowledge")


def test_every_paragraph_of_every_source_is_cited(kb) -> None:
    for source in kb.sources.values():
        cited = {kb.facts[f].cite.paragraph for f in kb.facts_by_source[source.id]}
        assert cited == set(range(1, source.paragraphs + 1)), source.id


def test_every_source_has_its_record(kb) -> None:
    for source in kb.sources.values():
        assert (ROOT / source.record).is_file(), source.record


def test_every_entity_is_backed_by_a_fact(kb) -> None:
    assert {e for e in kb.entities if not kb.facts_by_entity.get(e)} == set()


def test_chinese_names_are_aliases(kb) -> None:
    for han, entity in [("深度求索", "deepseek"), ("阿里巴巴", "alibaba"), ("通义千问", "qwen"),
                        ("千问", "qwen"), ("百度", "baidu"), ("腾讯", "tencent"), ("中国", "china")]:
        assert kb.alias_index[" ".join(han)] == entity


def test_forecasts_are_marked_as_such(kb) -> None:
    natures = {f.nature for f in kb.facts.values() if "probably" in f.statement.lower()
               or f.category == "outlook"}
    assert "reported" not in natures


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


@pytest.mark.skipif(not ARTICLE.exists(), reason="the source article is not beside the project")
def test_no_sentence_of_the_article_is_copied(kb) -> None:
    """Eight words in a row shared with the article is a copied sentence; the
    title, quoted as metadata, is the one exception."""
    titles = [" ".join(_words(s.title)) for s in kb.sources.values()]
    article = _words(ARTICLE.read_text(encoding="utf-8"))
    shingles = {tuple(article[i : i + 8]) for i in range(len(article) - 7)}
    for path in [*(ROOT / "knowledge").rglob("*.yaml"), *(ROOT / "seeds").glob("*")]:
        text = " ".join(_words(path.read_text(encoding="utf-8")))
        for title in titles:
            text = text.replace(title, " ")
        words = text.split()
        copied = [" ".join(words[i : i + 8]) for i in range(len(words) - 7)
                  if tuple(words[i : i + 8]) in shingles]
        assert not copied, f"{path.name} copies the article: {copied[:3]}"
