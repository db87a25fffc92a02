"""The term index: stemmed words to facts, rare words weighing more."""

from __future__ import annotations

from pathlib import Path

from bot.core.linker import STOPWORDS
from bot.core.search import TermIndex
from bot.knowledge import load
from tests.knowledge.fixtures import FACTS, write_base

MORE = FACTS + """\
  - id: outlook.acme-chips
    subject: acme
    category: strategy
    statement: Acme is building chips for its data centres.
    when: {as_of_source: true}
    cite: {source: src-a, paragraph: 2}
    nature: reported
"""


def test_words_match_in_any_form_and_rare_words_weigh_more(tmp_path: Path) -> None:
    index = TermIndex(load(write_base(tmp_path, facts__main=MORE)), STOPWORDS)
    scores, matched = index.score(["chip"])
    assert list(scores) == ["outlook.acme-chips"] and matched
    scores, _ = index.score(["releasing", "models"])  # "put out its first model"
    assert max(scores, key=scores.get) == "release.acme-one"
    scores, _ = index.score(["the", "and", "of"])
    assert scores == {}
