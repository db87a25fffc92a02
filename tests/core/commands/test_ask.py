"""`ask` as a user meets it: own words, the answering fact first, and a plain
"the sources here don't say" when nothing answers what is asked."""

from __future__ import annotations

import json

from bot.core import Engine, Kind, route
from bot.knowledge import Loader
from bot.output.json import to_json
from tests.knowledge.fixtures import write_base

FACTS = """\
facts:
  - id: release.acme-one
    subject: acme
    entities: [acme-one]
    category: release
    statement: Acme put out its first model, Acme One, in March 2025.
    when: {date: "2025-03-24"}
    cite: {source: src-a, paragraph: 1}
    nature: reported
  - id: market.acme-price-cut
    subject: acme
    category: market
    statement: Acme halved what it charges developers for Acme One, starting a price war.
    when: {date: "2025-03"}
    cite: {source: src-a, paragraph: 2}
    nature: reported
  - id: capability.acme-one-phones
    subject: acme-one
    category: capability
    statement: Acme One is small enough to run on a mobile phone.
    when: {as_of_source: true}
    cite: {source: src-a, paragraph: 2}
    nature: reported
  - id: outlook.acme-wins
    subject: acme
    category: outlook
    statement: The article expects Acme to lead the market for government contracts.
    when: {as_of_source: true}
    cite: {source: src-a, paragraph: 3}
    nature: forecast
"""


def _engine(tmp_path) -> Engine:
    return Engine(Loader(write_base(tmp_path, facts__main=FACTS)).load())


def test_a_known_name_with_an_unanswered_predicate_says_so_plainly(tmp_path) -> None:
    engine = _engine(tmp_path)
    answer = route(engine, "what year was acme started?")
    assert answer.kind is Kind.UNANSWERED
    assert answer.summary.startswith("The sources here don't say when Acme was founded")
    assert answer.facts == ()
    assert 0 < len(answer.related) <= 3
    assert all("not an answer" in s.title for s in answer.sections)
    data = to_json(answer)
    assert data["facts"] == [] and data["related"]


def test_each_unanswered_predicate_is_named(tmp_path) -> None:
    engine = _engine(tmp_path)
    for question, says in (("who runs acme", "who runs Acme"),
                           ("how many parameters does acme one have",
                            "how many parameters Acme One has"),
                           ("how many employees work at acme", "how many people work at Acme")):
        answer = route(engine, question)
        assert answer.kind is Kind.UNANSWERED, question
        assert says in answer.summary


def test_the_users_own_words_find_the_answering_fact_first(tmp_path) -> None:
    engine = _engine(tmp_path)
    cutting = route(engine, "who is cutting prices")
    assert cutting.kind is Kind.ANSWER
    assert cutting.facts[0].id == "market.acme-price-cut"
    released = route(engine, "when did acme launch its first model")
    assert released.facts[0].id == "release.acme-one"


def test_an_everyday_word_the_base_never_uses_does_not_refuse(tmp_path) -> None:
    engine = _engine(tmp_path)
    answer = route(engine, "can acme one work on a smartphone")
    assert answer.kind is Kind.ANSWER
    assert answer.facts[0].id == "capability.acme-one-phones"


def test_an_off_topic_question_is_not_found_without_padding(tmp_path) -> None:
    engine = _engine(tmp_path)
    answer = route(engine, "who makes the best dumplings")
    assert answer.kind is Kind.NOT_FOUND
    assert answer.facts == () and answer.related == ()


def test_who_makes_a_model_answers_from_the_parent_link(tmp_path) -> None:
    answer = route(_engine(tmp_path), "who makes acme one?")
    assert answer.kind is Kind.ANSWER
    assert answer.summary.startswith("Acme One is made by Acme.")
    assert "Acme" in answer.facts[0].statement


def test_a_name_that_matched_nothing_beside_known_ones_is_said(tmp_path) -> None:
    answer = route(_engine(tmp_path), "did acme release Zork7 in march")
    assert "I know nothing about “Zork7”" in answer.summary
    assert "Zork7" in answer.unknown


def test_a_model_and_its_maker_named_together_are_not_compared(engine) -> None:
    answer = route(engine, "阿里的qwen能在手机上跑吗")
    assert answer.kind is Kind.ANSWER
    assert "phone" in answer.facts[0].statement


def test_x_vs_y_is_a_comparison_of_both(engine) -> None:
    answer = route(engine, "qwen vs deepseek")
    assert answer.kind is Kind.COMPARISON
    assert [c.entity_id for c in answer.columns] == ["qwen", "deepseek"]


def test_a_question_naming_two_companies_gets_facts_about_each(engine) -> None:
    answer = route(engine, "what did deepseek and alibaba release")
    assert answer.kind is Kind.ANSWER
    assert len(answer.facts) >= 2
    for name in ("deepseek", "alibaba"):
        family = set(engine.family(name))
        assert any(family & {engine.kb.facts[f.id].subject, *engine.kb.facts[f.id].entities}
                   for f in answer.facts), name


def test_json_of_an_answer_has_an_empty_related_list(engine) -> None:
    data = json.loads(json.dumps(to_json(route(engine, "what did deepseek release"))))
    assert data["kind"] == "answer"
    assert data["related"] == [] and data["facts"]


def test_a_version_the_base_lacks_is_not_answered_with_its_makers_facts(tmp_path) -> None:
    answer = route(_engine(tmp_path), "when did acme release acme 9")
    assert answer.kind is Kind.NOT_FOUND
    assert "I know nothing about “Acme 9”" in answer.summary
    assert "Acme One" in answer.suggestions
    assert answer.facts == ()
