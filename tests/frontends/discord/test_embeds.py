"""Answers as embeds: within Discord's limits, with the version and date in the footer."""

from __future__ import annotations

import re

from bot.core import Kind, route
from bot.core.answers import Answer
from bot.frontends.discord.embeds import DESCRIPTION, TITLE, TITLE_WIDTH, TOTAL, answer_pages


def test_every_kind_of_answer_fits_and_says_its_version(engine) -> None:
    for line in ("compare deepseek qwen alibaba baidu", "about qwen", "timeline", "sources",
                 "entities", "help", "ask what did deepseek release", "ask about dumplings"):
        answer = route(engine, line)
        for embed in answer_pages(answer, engine.kb.short_version):
            assert len(embed) <= TOTAL and len(embed.description or "") <= DESCRIPTION
            assert embed.footer.text.startswith(f"Fact base {engine.kb.short_version}")
            if answer.as_of:
                assert f"as of {answer.as_of}" in embed.footer.text


def test_a_comparison_field_cites_in_number_order_and_never_says_they_differ(engine) -> None:
    for line in ("compare deepseek openai", "compare tencent investors"):
        embed = answer_pages(route(engine, line), engine.kb.short_version)[0]
        rows = [f for f in embed.fields if f.name not in ("How they relate", "Facts cited")]
        cited = [[int(n) for n in re.findall(r"\[(\d+)\]", v)]
                 for f in rows for v in f.value.splitlines()]
        assert any(len(c) > 1 for c in cited), line
        assert all(c == sorted(set(c)) for c in cited), (line, cited)
        assert not any("differ" in f.name for f in embed.fields)


def test_a_long_question_makes_a_short_title_cut_at_a_word(engine) -> None:
    question = "what did deepseek release " * 20
    embed = answer_pages(Answer(Kind.ANSWER, question.strip()), engine.kb.short_version)[0]
    assert len(embed.title) <= TITLE_WIDTH < TITLE
    assert embed.title.endswith(" deepseek…")  # at a word, with an ellipsis, no "(cut)"
