"""`check`: a message's claims against a small fact base of our own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Engine, route
from bot.core.answers import Finding, Kind
from bot.core.claims import find_dates, find_figures, sentences
from bot.knowledge import load
from bot.output.json import to_json
from bot.output.text import render_text
from tests.knowledge.fixtures import write_base
from tests.paths import ROOT

SOURCES = """\
sources:
  - id: src-a
    title: A test article
    outlet: Test Times
    published: "2025-04"
    record: seeds/src-a.md
    paragraphs: 5
  - id: src-b
    title: Another test article
    outlet: Other Post
    published: "2025-05-02"
    record: seeds/src-b.md
    paragraphs: 3
"""

FACTS = """\
facts:
  - id: release.acme-one
    subject: acme-one
    entities: [acme]
    category: release
    statement: Acme released Acme One, its first model.
    when: {date: "2025-03-24"}
    cite: {source: src-a, paragraph: 1}
    nature: reported
  - id: capability.acme-one-cost
    subject: acme-one
    category: capability
    statement: Test Times puts the cost of training Acme One at $5.6 million.
    when: {as_of_source: true}
    cite: {source: src-a, paragraph: 2}
    nature: reported
    keywords: [training cost]
    disputes: [capability.acme-one-cost-full]
  - id: capability.acme-one-cost-full
    subject: acme-one
    category: capability
    statement: Other Post puts the full training cost of Acme One at $294,000.
    when: {as_of_source: true}
    cite: {source: src-b, paragraph: 1}
    nature: reported
  - id: capability.acme-one-size
    subject: acme-one
    category: capability
    statement: Acme One has 70 billion parameters.
    when: {as_of_source: true}
    cite: {source: src-a, paragraph: 3}
    nature: reported
  - id: market.acme-raised
    subject: acme
    category: market
    statement: Acme raised $2 billion from investors.
    when: {date: "2025-02"}
    cite: {source: src-b, paragraph: 2}
    nature: reported
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("check")
    return Engine(load(write_base(root, sources=SOURCES, facts__main=FACTS)))


def only(engine: Engine, text: str):
    answer = engine.check(text)
    assert answer.kind is Kind.CHECK
    (check,) = answer.checks
    return check


def ids(views) -> list[str]:
    return [v.id for v in views]


def test_a_figure_the_base_has_differently(engine: Engine) -> None:
    check = only(engine, "Acme raised $3 billion from investors.")
    assert check.finding is Finding.DIFFERENT
    assert ids(check.different) == ["market.acme-raised"] and check.same == ()
    assert check.stated == ("$3 billion",)
    text = render_text(engine.check("Acme raised $3 billion from investors."))
    assert "The base has it differently (the message says $3 billion)" in text
    assert "Differs: Acme raised $2 billion from investors. (Feb 2025; Other Post ¶2)" in text


def test_a_date_the_base_has_differently(engine: Engine) -> None:
    check = only(engine, "Acme released Acme One in June 2025.")
    assert check.finding is Finding.DIFFERENT
    assert ids(check.different) == ["release.acme-one"]
    assert only(engine, "Acme One was released in March 2025").finding is Finding.SAME
    assert only(engine, "Acme released Acme One on 24 March 2025.").finding is Finding.SAME
    assert only(engine, "Acme released Acme One on 2 March 2025.").finding is Finding.DIFFERENT


def test_a_claim_the_base_has_nothing_on(engine: Engine) -> None:
    check = only(engine, "Zorblax raised $3 billion in 2024.")
    assert check.finding is Finding.NOTHING and check.entities == ()
    # a name it knows, but nothing on what is said of it
    check = only(engine, "Acme opened an office on Mars.")
    assert check.finding is Finding.NOTHING and check.entities == ("acme",)
    assert "The fact base has nothing on this (it knows Acme" in render_text(
        engine.check("Acme opened an office on Mars."))


def test_a_matching_claim(engine: Engine) -> None:
    check = only(engine, "Acme One has 70B parameters")
    assert check.finding is Finding.SAME
    assert ids(check.same) == ["capability.acme-one-size"] and check.different == ()
    # the same figure however it is written
    assert only(engine, "Acme One: 70,000,000,000 parameters").finding is Finding.SAME
    assert only(engine, "Acme One has 90B parameters").finding is Finding.DIFFERENT


def test_where_the_sources_differ_both_are_shown(engine: Engine) -> None:
    check = only(engine, "Acme One cost $5.6M to train.")
    assert check.finding is Finding.DIFFERENT
    assert ids(check.same) == ["capability.acme-one-cost"]
    assert ids(check.different) == ["capability.acme-one-cost-full"]
    answer = engine.check("Acme One cost $5.6M to train.")
    assert [c.outlet for c in answer.sources] == ["Test Times", "Other Post"]
    assert "sources differ on this" in render_text(answer)


def test_a_range_is_not_a_different_figure(engine: Engine) -> None:
    check = only(engine, "Acme One cost under $6 million to train.")
    assert "capability.acme-one-cost" in ids(check.same)
    assert only(engine, "Acme One cost about $5.5 million to train.").same


def test_it_refers_back_to_the_sentence_before(engine: Engine) -> None:
    answer = engine.check("Acme released Acme One. lol. It has 70 billion parameters.")
    assert [c.finding for c in answer.checks] == [Finding.RELATED, Finding.SAME]
    assert answer.checks[1].entities == ("acme", "acme-one")


def test_never_a_verdict(engine: Engine) -> None:
    answer = engine.check("Acme raised $3 billion. Acme One cost $5.6M to train. "
                          "Acme One has 70 billion parameters.")
    text = render_text(answer).casefold()
    assert "not a verdict" in text
    for word in ("false", "wrong", "incorrect", "true.", "correct"):
        assert word not in text.replace("which account is true", "")


def test_nothing_to_check_and_no_text(engine: Engine) -> None:
    answer = engine.check("lol, what do you think?")
    assert answer.kind is Kind.CHECK and answer.checks == () and "nothing in that" in answer.summary
    assert engine.check("  ").kind is Kind.USAGE_ERROR


def test_check_through_the_router_and_as_json(engine: Engine) -> None:
    answer = route(engine, "check Acme raised $3 billion from investors")
    data = to_json(answer)
    assert data["command"] == "check" and data["kind"] == "check"
    (check,) = data["checks"]
    assert check["finding"] == "different"
    assert check["different"][0]["source"]["outlet"] == "Other Post"


def test_cli_query_check_text_and_json(tmp_path: Path) -> None:
    knowledge = write_base(tmp_path, sources=SOURCES, facts__main=FACTS)
    run = [sys.executable, "-m", "bot", "query", "--knowledge", str(knowledge)]
    text = subprocess.run([*run, "check Acme One has 70B parameters"], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert text.returncode == 0 and "Same: Acme One has 70 billion parameters." in text.stdout
    out = subprocess.run([*run, "--json", "check Acme One has 90B parameters"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert json.loads(out.stdout)["checks"][0]["finding"] == "different"


def test_console_checks(tmp_path: Path) -> None:
    import io

    from bot.frontends.console import run_console

    knowledge = write_base(tmp_path, sources=SOURCES, facts__main=FACTS)
    out = io.StringIO()
    run_console(Engine(load(knowledge)), stdin=io.StringIO("check Acme raised $3 billion\n"),
                stdout=out)
    assert "Differs: Acme raised $2 billion from investors." in out.getvalue()


# --- reading figures, dates and sentences ---------------------------------------------


def test_figures_meet_however_written() -> None:
    (a,), (b,), (c,) = (find_figures(t) for t in ("$5.6M", "US$5.6 million", "about $5.6 million"))
    assert a.kind == b.kind == c.kind == "money:USD"
    assert a.agrees(b) and a.agrees(c)
    (yuan,) = find_figures("5.6亿元")
    assert yuan.kind == "money:CNY" and not yuan.comparable(a)
    (under,) = find_figures("under $6 million")
    (far,) = find_figures("$294,000")
    assert under.agrees(a) and not far.agrees(a)


def test_names_and_years_are_not_figures() -> None:
    assert find_figures("R1, V3.2, H800 and GPT-4o in 2025") == []
    assert [d.date for d in find_dates("on 20 January 2025, then Jan 5, 2026 and in 2027")] == [
        "2025-01-20", "2026-01-05", "2027"]
    assert [d.date for d in find_dates("2025年3月 and 2025-02-30")] == ["2025-03"]


def test_sentences_keep_decimals_and_versions() -> None:
    assert sentences("R1 cost $5.6M. V3.2 is new!\nok。好的") == [
        "R1 cost $5.6M.", "V3.2 is new!", "ok。", "好的"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300) | st.lists(st.sampled_from(
    ["Acme", "Acme One", "$5.6M", "70B", "under", "2025", "March 2025", "It", "raised", ".", "¥3亿",
     "cost", "parameters", "\n", "2025-02-30", "%", "12.5", "训练", "A1"]), max_size=30).map(" ".join))
def test_any_text_is_checked_without_error(engine: Engine, text: str) -> None:
    answer = engine.check(text)
    assert answer.kind in (Kind.CHECK, Kind.USAGE_ERROR)
    assert len(answer.checks) <= 6
    for check in answer.checks:
        assert len(check.claim) <= 160
        assert len(check.same) <= 3 and len(check.different) <= 3 and len(check.related) <= 3
        assert not {v.id for v in check.same} & {v.id for v in check.different}
