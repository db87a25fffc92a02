"""Who makes a claim, sources that disagree, and how current an answer is, on a
base of two sources written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core import Engine, route
from bot.knowledge import KnowledgeError, load
from bot.output.json import to_json
from bot.output.text import render_text
from tests.knowledge.fixtures import FACTS as BASE_FACTS
from tests.knowledge.fixtures import write_base

TWO_SOURCES = """\
sources:
  - {id: src-a, title: A test article, outlet: Test Times, published: "2025-03",
     record: seeds/src-a.md, paragraphs: 3}
  - {id: src-b, title: A later report, outlet: Other Post, published: "2026-01-10",
     record: seeds/src-b.md, paragraphs: 2}
"""

FACTS = BASE_FACTS + """\
  - id: main.acme-one-cost
    subject: acme-one
    entities: [acme]
    category: market
    statement: Training Acme One cost 5 million dollars.
    when: {date: "2025-03"}
    cite: {source: src-a, paragraph: 1}
    nature: reported
  - id: main.acme-one-cost-later
    subject: acme-one
    category: market
    statement: Training Acme One cost 300 thousand dollars for its last stage.
    when: {date: "2026-01"}
    cite: {source: src-b, paragraph: 1}
    nature: reported
    disputes: [main.acme-one-cost]
  - id: main.acme-one-benchmark
    subject: acme-one
    category: capability
    statement: Acme One beats every rival on the hardest maths benchmark.
    when: {as_of_source: true}
    cite: {source: src-a, paragraph: 2}
    nature: claim
    by: acme
  - id: main.acme-plans-chip
    subject: acme
    category: strategy
    statement: Building its own chip by 2027 is the next step.
    when: {date: "2027"}
    cite: {source: src-b, paragraph: 2}
    nature: plan
    by: acme
  - id: main.acme-lead
    subject: acme
    category: outlook
    statement: The lead could shrink within the year.
    when: {as_of_source: true}
    cite: {source: src-a, paragraph: 3}
    nature: forecast
"""


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return Engine(load(write_base(tmp_path, sources=TWO_SOURCES, facts__main=FACTS)))


def test_a_companys_claim_says_whose_it_is(engine: Engine) -> None:
    text = render_text(route(engine, "about acme one"))
    assert "According to Acme: Acme One beats every rival" in text
    assert "Acme's plan: Building its own chip" in render_text(route(engine, "about acme"))
    assert "The article's forecast: The lead could shrink" in render_text(route(engine, "about acme"))
    assert "The article expects Acme to lead" in render_text(route(engine, "about acme"))
    assert "The article's forecast: Building" not in render_text(route(engine, "about acme"))


def test_a_disputed_fact_is_shown_with_the_other_account(engine: Engine) -> None:
    answer = route(engine, "how much did acme one cost to train")
    assert answer.facts[0].id in ("main.acme-one-cost", "main.acme-one-cost-later")
    text = render_text(answer)
    assert "Sources differ" in text
    assert "5 million dollars" in text and "300 thousand dollars" in text
    assert "Other Post" in text and "Test Times" in text
    # either side of the link brings in the other
    about = route(engine, "timeline acme one")
    assert {f.id for f in about.facts} | {f.id for f in about.differ} >= {
        "main.acme-one-cost", "main.acme-one-cost-later"}


def test_every_answer_says_how_current_it_is(engine: Engine) -> None:
    assert route(engine, "about acme").as_of == "10 Jan 2026"  # a 2027 plan is news of its source
    assert route(engine, "about acme one").as_of == "Jan 2026"
    assert "As of Jan 2026." in render_text(route(engine, "about acme one"))
    data = to_json(route(engine, "about acme one"))
    assert data["as_of"] == "Jan 2026"
    claim = next(f for f in data["facts"] if f["id"] == "main.acme-one-benchmark")
    assert (claim["nature"], claim["by"]) == ("claim", "Acme")
    json.dumps(data)


def test_validate_checks_claims_and_links(tmp_path: Path) -> None:
    broken = (FACTS.replace("    by: acme\n", "", 1)
              .replace("disputes: [main.acme-one-cost]", "disputes: [main.nowhere]"))
    with pytest.raises(KnowledgeError) as exc:
        load(write_base(tmp_path, sources=TWO_SOURCES, facts__main=broken))
    messages = [str(p) for p in exc.value.problems]
    assert any("[main.acme-one-benchmark]" in m and "needs `by`" in m for m in messages), messages
    assert any("[main.acme-one-cost-later]" in m and "'main.nowhere'" in m for m in messages)


def test_comparison_rows_come_from_the_facts_newest_first(tmp_path: Path) -> None:
    entities = """\
entities:
  - {id: acme, name: Acme, kind: company, description: A company.}
  - {id: acme-one, name: Acme One, kind: model, parent: acme, description: A model.}
  - {id: bolt, name: Bolt, kind: company, description: Another company.,
     attributes: {latest: {value: Bolt shipped a chip, facts: [main.bolt-chip]}}}
"""
    facts = FACTS.replace("subject: acme\n    entities: [acme-one]", "subject: acme-one") + """\
  - id: main.acme-two
    subject: acme-one
    category: release
    statement: Acme released a second version of Acme One.
    when: {date: "2026-01-05"}
    cite: {source: src-b, paragraph: 1}
    nature: reported
  - id: main.bolt-chip
    subject: bolt
    category: release
    statement: Bolt shipped a chip.
    when: {date: "2025-03"}
    cite: {source: src-a, paragraph: 2}
    nature: reported
"""
    engine = Engine(load(write_base(tmp_path, sources=TWO_SOURCES, entities=entities,
                                    facts__main=facts)))
    answer = route(engine, "compare acme bolt")
    latest = next(r for r in answer.rows if r.label == "Latest development")
    assert "second version of Acme One" in latest.cells[0].text  # the newest, from its product
    assert latest.cells[0].facts == ("main.acme-two",)
    assert latest.cells[1].text == "Bolt shipped a chip"  # the hand-written cell still wins
    makers = next(r for r in answer.rows if r.label == "Who makes or owns it")
    assert makers.cells[0].text == "Makes Acme One"
    assert "main.acme-two" in {f.id for f in answer.facts}


def test_the_slash_form_of_compare_is_in_context_too(engine: Engine) -> None:
    """/compare calls the engine with one name per option, not through the router."""
    assert engine.compare(["acme", "acme one"]).as_of == route(engine, "compare acme acme one").as_of
    assert engine.compare(["acme", "acme one"]).as_of
