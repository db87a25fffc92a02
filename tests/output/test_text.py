"""Plain text for the console and the command line."""

from __future__ import annotations

import re

from bot.core import route
from bot.output.text import display_width, render_text


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
