"""The maintainers' report, on a log built by answering questions from a small base."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from pathlib import Path

import pytest

from bot.core import Engine, route
from bot.frontends.cli import main
from bot.frontends.console import run_console
from bot.knowledge import load
from bot.output.pictures.draw import png_size
from bot.services.gaps import render, what_asked
from bot.services.namelike import is_name
from bot.services.querylog import QueryLog, log_answer
from bot.services.querylog_sqlite import MIGRATIONS
from tests.knowledge.fixtures import ENTITIES, write_base
from tests.services.conftest import Backend

KIMI = ENTITIES + """\
  - id: kimi
    name: Kimi
    kind: model
    description: A chatbot.
"""
NOW = dt.datetime.now(dt.UTC)


def ask(log: QueryLog, engine: Engine, *lines: str, front_end: str = "console") -> list[int | None]:
    return [log_answer(log, front_end, route(engine, line), engine, 1.0) for line in lines]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write_base(tmp_path / "before")


@pytest.fixture
def acme(base: Path) -> Engine:
    return Engine(load(base))


@pytest.mark.parametrize(("name", "query", "expected"), [
    ("chips", "what are the chips controls", False), ("controls", "chips controls", False),
    ("cutting", "leading cutting edge", False), ("hello", "hello", False),
    ("leading", "who is leading", False), ("dumplings", "best dumplings", False),
    ("kimi", "what about kimi", True), ("zhipu", "who is zhipu", True),
    ("r1", "deepseek r1", True), ("v3", "v3", True), ("5m", "it cost $5m", False),
    ("paris", "weather in paris", False), ("paris", "weather in Paris", True),
    ("gpu", "which GPU", False), ("hello", "Hello", False), ("月 之 暗 面", "about 月之暗面", True),
    ("x" * 400, "x" * 400, False), ("that", "about ???", False),
])
def test_only_real_names_count(name: str, query: str, expected: bool) -> None:
    assert is_name(name, query) is expected


@pytest.mark.parametrize(("question", "what"), [
    ("when was deepseek founded?", "founding dates"), ("who is the CEO of zhipu", "leaders and founders"),
    ("how many parameters does qwen have", "parameters and model size"),
    ("how much does kimi cost", "prices and costs"),
    ("when will acme release its next model", "releases and launches"),
    ("智谱什么时候成立的", "founding dates"), ("what is the weather", None),
])
def test_questions_are_grouped_by_what_they_ask(question: str, what: str | None) -> None:
    assert what_asked(question) == what


def test_report_says_what_to_add(tmp_path: Path, backend: Backend, acme: Engine) -> None:
    """On either backend: the report is built from the rows in plain Python."""
    log = backend.log()
    ask(log, acme, "hello", "what are the chips controls", "leading cutting edge", ".", "!!!",
        "tell me about Kimi", "is kimi any good", "who makes the best dumplings", "acme r1",
        "y" * 4000)
    for text, kind in (("when was acme founded", "unanswered"), ("who founded acme", "unanswered"),
                       ("who is the ceo of acme", "unanswered"), ("how much does zhipu charge", "not_found")):
        log.record(front_end="slash", command="ask", query=text, kind=kind,
                   entities=("acme",) if "acme" in text else (),
                   unknown=("zhipu",) if "zhipu" in text else ())
    (about,) = ask(log, acme, "about acme")
    assert log.vote(about, "discord:1", up=False)

    report = log.report(engine=acme)
    names = {n.name: n for n in report.unknown_names}
    # no English words, no 4,000-letter blob; "Acme R1", which ask says it knows nothing
    # about, once (not again as the word "r1")
    assert set(names) == {"kimi", "zhipu", "Acme R1"}
    assert (names["kimi"].count, names["kimi"].sample, names["kimi"].known_as) == (
        2, "is kimi any good", None)
    unanswered = [text for text, _ in report.unanswered]
    assert "" not in unanswered and "hello" in unanswered
    asked = {a.what: a for a in report.asked}
    assert asked["founding dates"].count == 2 and asked["founding dates"].about == ("Acme",)
    assert asked["leaders and founders"].samples == ("who is the ceo of acme",)
    assert asked["prices and costs"].about == ("zhipu",)
    (disliked,) = report.most_disliked
    assert disliked.query == "about acme" and disliked.down == 1
    assert ("release.acme-one", "Acme put out its first model.") in disliked.facts

    text = render(report)
    assert max(len(line) for line in text.splitlines()) < 200  # a 4,000-character row is cut
    assert "   2  kimi  e.g. “is kimi any good”" in text
    assert "   1  Acme R1  e.g. “acme r1”" in text
    assert "   2  founding dates of Acme: “who founded acme”; “when was acme founded”" in text
    assert "release.acme-one: Acme put out its first model." in text
    for word in ("chips", "controls", "cutting", "hello  e.g.", "leading", "dumplings"):
        assert f"  {word}" not in text.split("Names left out")[0]

    # Kimi added to the base: the report says so
    after = Engine(load(write_base(tmp_path / "after", entities=KIMI)))
    names = {n.name: n for n in log.report(engine=after).unknown_names}
    assert names["kimi"].known_as == "Kimi"
    assert "(now known: Kimi)" in render(log.report(engine=after))


def test_the_generic_list_is_no_did_you_mean(backend: Backend, acme: Engine) -> None:
    """'I can tell you about Acme, ...' after nothing was found is not an offer: asking
    about Acme next is not "taking a suggestion"."""
    log = backend.log()
    nothing = route(acme, "who makes the best dumplings")
    assert "I can tell you about Acme" in nothing.summary  # it lists what it knows...
    assert nothing.suggestions == ()  # ...which is no did-you-mean
    ask(log, acme, "who makes the best dumplings", "about acme")
    report = log.report()
    assert report.suggestions_taken == [] and report.suggestions_offered == 0


def test_weeks_are_counted_and_drawn(tmp_path: Path, backend: Backend, capsys) -> None:
    log = backend.log()
    monday = (NOW - dt.timedelta(days=NOW.weekday() + 21)).replace(hour=12)
    for days, kind in ((0, "answer"), (1, "answer"), (2, "not_found"), (21, "unanswered"),
                       (21, "answer"), (21, "help")):
        log.record(front_end="cli", command="ask", query=f"q{days}{kind}", kind=kind,
                   at=monday + dt.timedelta(days=days))
    weeks = log.report().weeks
    assert [(w.answered, w.unanswered, w.not_found) for w in weeks] == [(2, 0, 1), (0, 0, 0),
                                                                        (0, 0, 0), (1, 1, 0)]
    assert [w.start.weekday() for w in weeks] == [0, 0, 0, 0]

    out = tmp_path / "out" / "weeks.png"
    log.close()
    assert main(["report", "--db", backend.target, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Picture: {out}" in printed
    assert out.read_bytes().startswith(b"\x89PNG") and png_size(out.read_bytes())[0] == 1200


def test_a_log_from_before_the_facts_column_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "q.sqlite3"
    conn = sqlite3.connect(db)
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO queries (at, front_end, command, query, normalized, kind, entities, "
                 "unknown, suggestions, version, latency_ms) VALUES (?, 'dm', 'ask', 'who is zhipu', "
                 "'who is zhipu', 'not_found', '[]', '[\"zhipu\"]', '[]', 'v', 1)",
                 (NOW.isoformat(timespec="milliseconds"),))
    conn.commit()
    conn.close()
    (entry,) = QueryLog(db).entries()
    assert (entry.query, entry.facts, entry.dropped) == ("who is zhipu", (), ())
    assert [n.name for n in QueryLog(db).report().unknown_names] == ["zhipu"]


def test_console_votes_feed_most_disliked(backend: Backend, acme: Engine) -> None:
    log = backend.log()
    out = io.StringIO()
    lines = "+\nabout acme\n-\n-\nhelp\n+\nwhat did acme release\ngood\n"
    assert run_console(acme, io.StringIO(lines), out, querylog=log) == 0
    text = out.getvalue()
    assert text.count("Thanks, noted") == 2
    assert text.count("You have already rated this answer.") == 1
    assert text.count("Nothing to rate yet") == 2  # before any answer, and after `help`
    report = log.report()
    (disliked,) = report.most_disliked
    assert (disliked.query, disliked.up, disliked.down) == ("about acme", 0, 1)
    liked = [e for e in log.entries() if e.up]
    assert [e.query for e in liked] == ["what did acme release"]

    off = io.StringIO()
    run_console(acme, io.StringIO("about acme\n-\n"), off, querylog=QueryLog(None))
    assert "ratings are not kept" in off.getvalue()


def test_facts_and_names_left_out_are_recorded(backend: Backend, acme: Engine) -> None:
    log = backend.log()
    ask(log, acme, "about acme", "tell me about kimi", "what did acme release with Zhipu")
    assert log.flush()
    shown, none, left = backend.rows()
    assert "release.acme-one" in shown["facts"] and none["facts"] == []
    assert (bool(left["facts"]), left["dropped"]) == (True, ["zhipu"])  # answered, Zhipu unsaid
    assert [n.name for n in log.report().dropped_names] == ["zhipu"]
