"""The news post stays inside Discord's limits however much a reload brought."""

from __future__ import annotations

from bot.core.answers import Cite, FactView
from bot.core.digest import Digest, NewsGroup, NewsItem
from bot.frontends.discord.bulletins import digest_embed
from bot.knowledge.schema import Nature


def view(n: int, statement: str) -> FactView:
    cite = Cite("src", "A title", "Test Times", "Mar 2025", False, 2)
    return FactView(f"f{n}", statement, "acme", "release", Nature.REPORTED, "24 Mar 2025", cite)


def digest(groups: int, facts: int, length: int = 200) -> Digest:
    return Digest("abc123", tuple(
        NewsGroup(f"e{g}", f"Entity {g}", tuple(
            NewsItem(view(g * 1000 + n, f"Fact {n} " + "word " * (length // 5)), n == 0)
            for n in range(facts)))
        for g in range(groups)))


def test_a_small_digest_shows_every_fact_with_date_and_source() -> None:
    embed = digest_embed(digest(2, 2, length=20))
    assert [f.name for f in embed.fields] == ["Entity 0", "Entity 1"]
    first = embed.fields[0].value.splitlines()
    assert first[0].startswith("• Fact 0") and first[0].endswith("*(updated)*")
    assert "(24 Mar 2025; Test Times, “A title” (Mar 2025), ¶2)" in first[1]
    assert embed.description.startswith("4 new or updated facts about Entity 0 and Entity 1")


def test_a_huge_digest_is_cut_inside_every_limit_and_says_so() -> None:
    embed = digest_embed(digest(60, 40, length=400))
    assert len(embed) <= 6000 and len(embed.fields) <= 25
    assert all(len(f.value) <= 1024 and len(f.name) <= 256 for f in embed.fields)
    assert "more: `timeline Entity 0`" in embed.fields[0].value
    assert embed.fields[-1].name == "More" and "more entities" in embed.fields[-1].value
