"""A line of text to a command: prefixes, slashes, Chinese and slips in command names."""

from __future__ import annotations

import pytest

from bot.core.router import COMMANDS, help_answer, split_command


@pytest.mark.parametrize(("line", "expected"), [
    ("!compare deepseek qwen", ("compare", "deepseek qwen")),
    ("/compare deepseek qwen", ("compare", "deepseek qwen")),
    ("comapre deepseek qwen", ("compare", "deepseek qwen")),
    ("abuot baidu", ("about", "baidu")),
    ("timline", ("timeline", "")),
    ("比较百度和腾讯", ("compare", "百度和腾讯")),
    ("what did deepseek release", ("ask", "what did deepseek release")),
    ("asks about qwen", ("ask", "asks about qwen")),  # short words are not forgiven
])
def test_split_command(line: str, expected: tuple[str, str]) -> None:
    assert split_command(line) == expected


def test_help_lists_every_command_once_with_an_example() -> None:
    answer = help_answer()
    lines = [line for s in answer.sections for line in s.lines]
    assert len(lines) == len(COMMANDS)
    for command, line in zip(COMMANDS, lines, strict=True):
        assert line.startswith(command.name) and f"`{command.example}`" in line
    assert answer.title not in [s.title for s in answer.sections]  # no title said twice
