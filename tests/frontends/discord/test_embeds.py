"""Answers as embeds: within Discord's limits, with the version and date in the footer."""

from __future__ import annotations

from bot.core import route
from bot.frontends.discord.embeds import DESCRIPTION, TOTAL, answer_pages


def test_every_kind_of_answer_fits_and_says_its_version(engine) -> None:
    for line in ("compare deepseek qwen alibaba baidu", "about qwen", "timeline", "sources",
                 "entities", "help", "ask what did deepseek release", "ask about dumplings"):
        answer = route(engine, line)
        for embed in answer_pages(answer, engine.kb.short_version):
            assert len(embed) <= TOTAL and len(embed.description or "") <= DESCRIPTION
            assert embed.footer.text.startswith(f"Fact base {engine.kb.short_version}")
            if answer.as_of:
                assert f"as of {answer.as_of}" in embed.footer.text
