"""`entities [kind]`: the kinds a reader types, and what to do when there are none."""

from __future__ import annotations

import pytest

from bot.core import Kind, route


@pytest.mark.parametrize("typed", ["company", "companies", "companys", "Companies", "compnay",
                                   "firms", "公司"])
def test_a_kind_is_found_however_it_is_typed(engine, typed: str) -> None:
    answer = route(engine, f"entities {typed}")
    assert answer.kind is Kind.ENTITIES, typed
    assert [s.title for s in answer.sections] == ["Company"]
    assert answer.summary.startswith("5 companies, of 12 entities")


@pytest.mark.parametrize("typed", ["person", "people", "persons"])
def test_a_kind_with_nothing_in_it_lists_the_kinds_there_are(engine, typed: str) -> None:
    answer = route(engine, f"entities {typed}")
    assert answer.kind is Kind.USAGE_ERROR
    assert answer.summary.startswith("The fact base has no people yet.")
    assert "5 companies, 1 country, 2 groups, 1 market, 2 models and 1 platform" in answer.summary
    assert "`entities company`" in answer.summary


def test_an_unknown_kind_is_quoted_back_with_the_kinds_and_their_counts(engine) -> None:
    answer = route(engine, "entities planets")
    assert answer.kind is Kind.USAGE_ERROR
    assert "“planets”" in answer.summary
    assert "2 models" in answer.summary and "1 platform" in answer.summary
    assert "(s)" not in answer.summary
