"""Plain text for the console and the command line."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core import Engine, Kind, route
from bot.core.answers import Answer
from bot.knowledge import load
from bot.output.text import TITLE_WIDTH, display_width, render_text
from tests.knowledge.fixtures import write_base


def test_the_underline_is_as_wide_as_the_title(engine) -> None:
    for line in ("about deepseek", "compare 深度求索 qwen", "ask " + "what about deepseek " * 20):
        title, underline = render_text(route(engine, line)).splitlines()[:2]
        assert set(underline) == {"="} and len(underline) == display_width(title) <= 80


def test_a_comparison_cites_its_facts_in_order(engine) -> None:
    text = render_text(route(engine, "compare deepseek qwen"))
    cited = text.split("Facts cited", 1)[1]
    numbers = [int(n) for n in re.findall(r"^\s+\[(\d+)\]", cited, flags=re.MULTILINE)]
    assert numbers == list(range(1, len(numbers) + 1)) and numbers
    assert "(they differ)" not in text
    assert "As of " in text


ENTITIES_ALIKE = """\
entities:
  - id: acme
    name: Acme
    kind: company
    description: A company that makes test models.
    attributes:
      type: {value: Test maker, facts: [release.acme-one]}
  - id: acme-one
    name: Acme One
    kind: model
    parent: acme
    description: Acme's first model.
    attributes:
      type: {value: Test maker, facts: [release.acme-one]}
"""


def _refs(line: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", line)]


def test_a_cells_citations_are_in_number_order(engine) -> None:
    for line in ("compare deepseek openai", "compare qwen alibaba", "compare tencent investors",
                 "compare chinese tech groups investors"):
        text = render_text(route(engine, line))
        table = text.split("Facts cited", 1)[0]
        cells = [_refs(row) for row in table.splitlines() if _refs(row)]
        assert any(len(c) > 1 for c in cells), line
        for refs in cells:
            assert refs == sorted(set(refs)), (line, refs)  # [3][5][6], never [5][6][3]


def test_a_row_is_marked_the_same_only_when_its_cells_say_the_same(tmp_path: Path) -> None:
    engine = Engine(load(write_base(tmp_path, entities=ENTITIES_ALIKE)))
    text = render_text(route(engine, "compare acme acme-one"))
    assert "What it is  (the same)" in text.splitlines()
    assert "Latest development" in text.splitlines()  # one side not covered: no mark
    assert "differ" not in text


def test_a_long_chinese_title_fits_the_terminal_and_its_underline(engine) -> None:
    for title in ("深度求索发布了什么" * 30, "DeepSeek 发布了什么 " * 30, "x" * 300):
        first, underline = render_text(Answer(Kind.ANSWER, title)).splitlines()[:2]
        assert display_width(first) <= TITLE_WIDTH and first.endswith("…")
        assert underline == "=" * display_width(first)


def test_help_says_its_title_once(engine) -> None:
    lines = render_text(route(engine, "help")).splitlines()
    headings = [line for line in lines if line and not line.startswith(("  ", "="))]
    assert headings.count("Commands") == 1
    assert len(headings) == len(set(headings))
