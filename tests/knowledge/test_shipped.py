"""The fact base we ship: valid, complete for its sources, and in our own words.

The only test module that reads `knowledge/`. It checks properties that must
hold however many articles are added, never counts or particular statements.
"""

from __future__ import annotations

import pytest

from bot.knowledge import load
from bot.shared.formats import COPY_WORDS, copy_words
from tests.paths import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the project")


@pytest.fixture(scope="module")
def kb():
    return load(ROOT / "knowledge")


def test_every_paragraph_of_every_source_is_cited(kb) -> None:
    for source in kb.sources.values():
        cited = {kb.facts[f].cite.paragraph for f in kb.facts_by_source[source.id]}
        missing = set(range(1, source.paragraphs + 1)) - cited
        assert not missing, f"{source.id}: paragraphs {sorted(missing)} cited by no fact"


def test_every_source_has_its_record_and_names_its_text(kb) -> None:
    for source in kb.sources.values():
        assert (ROOT / source.record).is_file(), source.record
        assert source.seed_file, f"{source.id} does not name its text in shared/seeds"


def test_every_entity_is_backed_by_a_fact(kb) -> None:
    assert {e for e in kb.entities if not kb.facts_by_entity.get(e)} == set()


def test_chinese_names_are_aliases(kb) -> None:
    from bot.shared.normalize import key

    for entity in kb.entities.values():
        if entity.chinese_name:
            assert kb.alias_index[key(entity.chinese_name)] == entity.id


def test_forecasts_are_not_reported_as_fact(kb) -> None:
    for fact in kb.facts.values():
        if "probably" in fact.statement.lower() or fact.category == "outlook":
            assert fact.nature != "reported", fact.id


@needs_seeds
def test_no_sentence_of_any_source_is_copied(kb) -> None:
    """Eight words in a row shared with any source text, its headline included, is a
    copy, wherever it stands: titles are our own labels, and a URL whose slug
    spells the headline is not kept (shared/seeds/README.md has the address).
    Only the entities' names are left out: a product called 豆包大模型1.6 lite
    is called that in the source too."""
    names = sorted({n for e in kb.entities.values() for n in e.names if len(n) > 3},
                   key=len, reverse=True)
    shingles: set[tuple[str, ...]] = set()
    for text in SEEDS.glob("*.txt"):
        words = copy_words(text.read_text(encoding="utf-8"))
        shingles.update(tuple(words[i : i + COPY_WORDS])
                        for i in range(len(words) - COPY_WORDS + 1))
    for path in [*(ROOT / "knowledge").rglob("*.yaml"), *(ROOT / "seeds").glob("*")]:
        text = path.read_text(encoding="utf-8")
        for name in names:
            text = text.replace(name, " ")
        words = copy_words(text)
        copied = [" ".join(words[i : i + COPY_WORDS]) for i in range(len(words) - COPY_WORDS + 1)
                  if tuple(words[i : i + COPY_WORDS]) in shingles]
        assert not copied, f"{path.name} copies a source: {copied[:3]}"


@needs_seeds
def test_every_text_in_shared_seeds_is_a_source(kb) -> None:
    named = {s.seed_file for s in kb.sources.values()}
    assert {p.name for p in SEEDS.glob("*.txt")} - named == set()


