from __future__ import annotations

import pytest
import yaml
import yaml_rs
from pydantic import TypeAdapter, ValidationError

from bot.knowledge.schema import Fact, Precision, Source, When, precision_of
from tests.knowledge.fixtures import FACTS, SOURCES


def test_fact_round_trips_through_yaml() -> None:
    adapter = TypeAdapter(Fact)
    for raw in yaml.safe_load(FACTS)["facts"]:
        fact = adapter.validate_python(raw)
        dumped = yaml.safe_dump(adapter.dump_python(fact, mode="json", exclude_defaults=True),
                                allow_unicode=True)
        assert adapter.validate_python(yaml_rs.loads(dumped)) == fact


def test_source_round_trips_and_keeps_precision() -> None:
    source = Source.model_validate(yaml.safe_load(SOURCES)["sources"][0])
    assert source.precision is Precision.MONTH
    again = Source.model_validate(yaml_rs.loads(yaml.safe_dump(source.model_dump(mode="json"))))
    assert again == source


def test_unquoted_yaml_dates_are_accepted() -> None:
    when = When.model_validate(yaml_rs.loads("date: 2025-03-24"))
    assert when.date == "2025-03-24"
    assert precision_of(when.date) is Precision.DAY


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"date": "2025-03", "as_of_source": True},
        {"start": "2025-04", "end": "2025-03"},
        {"date": "March 2025"},
        {"date": "2024-02-30"},
    ],
)
def test_when_refuses_ambiguous_or_impossible_dates(raw: dict) -> None:
    with pytest.raises(ValidationError):
        When.model_validate(raw)


def test_leap_day_is_a_real_date() -> None:
    assert When.model_validate({"date": "2024-02-29"}).date == "2024-02-29"
