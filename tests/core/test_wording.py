"""How answers word links and citations, as a reader sees them."""

from __future__ import annotations

from pathlib import Path

from bot.core import Engine, route
from bot.knowledge import load
from bot.output.text import render_text
from tests.knowledge.fixtures import SOURCES, write_base


def _depth(line: str) -> int:
    """How deep round brackets nest in a line: 1 for "a (b)", 2 for "a (b (c))"."""
    depth = deepest = 0
    for char in line:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(0, depth - 1)
    return deepest


def test_a_group_takes_a_plural_verb_and_a_member_is_one_of_it(engine) -> None:
    group = route(engine, "about chinese tech groups").sections
    related = next(s.lines for s in group if s.title == "Related")
    assert "Chinese tech groups are part of China" in related
    assert not any(" is " in line for line in related)
    rivals = next(s.lines for s in route(engine, "about us tech groups").sections
                  if s.title == "Related")
    assert "US tech groups compete with DeepSeek" in rivals
    member = next(s.lines for s in route(engine, "about deepseek").sections
                  if s.title == "Related")
    assert "DeepSeek is one of the Chinese tech groups" in member
    compared = route(engine, "compare chinese tech groups china")
    assert "Chinese tech groups are part of China" in compared.sections[0].lines


def test_a_citation_never_puts_brackets_inside_brackets(tmp_path: Path) -> None:
    """An outlet with an aside ("Test Times (read at a copy)") is cited by its name
    alone after a fact; the sources list keeps the aside."""
    sources = SOURCES.replace("outlet: Test Times", "outlet: Test Times (read at a copy)")
    engine = Engine(load(write_base(tmp_path, sources=sources)))
    for line in ("about acme", "timeline acme", "compare acme acme-one", "ask acme first model"):
        text = render_text(route(engine, line))
        facts = text.split("\nSources\n", 1)[0]
        assert "Test Times ¶" in facts, line
        for row in facts.splitlines():
            assert _depth(row) <= 1, row
        assert "Test Times (read at a copy), “A test article”" in text  # the full outlet, once
    assert route(engine, "about acme").sections[1].lines == (
        "Acme put out its first model. (24 Mar 2025; Test Times ¶1)",
        "The article expects Acme to lead. (as of Mar 2025; Test Times ¶3)")
