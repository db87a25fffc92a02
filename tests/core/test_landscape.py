"""The landscape as data: entities, links, market signals and the top-N limit."""

from __future__ import annotations

import pytest

from bot.core import Kind, route
from bot.core.answers import Picture, PictureKind
from bot.core.landscape import MarketSignal, classify, landscape_graph, primary_signal
from tests.core.synthetic_base import synthetic_base


@pytest.fixture(scope="module")
def kb(engine):
    return engine.kb


@pytest.fixture(scope="module")
def graph(kb):
    return landscape_graph(kb)


def links(graph) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.kind) for e in graph.edges}


def test_makers_and_rivals_of_the_shipped_base(graph) -> None:
    edges = links(graph)
    assert ("deepseek", "deepseek-v3", "maker") in edges
    assert ("alibaba", "qwen", "maker") in edges
    rivals = [e for e in graph.edges if e.kind == "rival" and {e.source, e.target} == {"deepseek", "openai"}]
    assert len(rivals) == 1  # stated both ways, drawn once
    assert rivals[0].facts == ("competition.deepseek-vs-openai",)
    assert ("deepseek", "hugging-face", "published_on") in edges
    assert ("chinese-tech-groups", "china", "part_of") in edges
    assert all(e.source != e.target for e in graph.edges)


def test_every_entity_is_shown_with_its_chinese_name(graph, kb) -> None:
    assert set(graph.ids) == set(kb.entities)
    assert not graph.truncated
    assert graph.total_entities == graph.candidates == len(kb.entities)
    deepseek = graph.node("deepseek")
    assert deepseek.label == "DeepSeek (深度求索)"
    assert deepseek.kind == "company"
    assert graph.node("openai").label == "OpenAI"
    assert graph.summary == f"{len(kb.entities)} entities, {len(graph.edges)} links."


def test_market_signals_come_from_market_facts(graph) -> None:
    baidu, alibaba, tencent = (graph.node(e) for e in ("baidu", "alibaba", "tencent"))
    assert baidu.signal is MarketSignal.UNDERPERFORMING
    assert "market.baidu-underperforms" in baidu.signal_facts
    assert tencent.signal is MarketSignal.INVESTOR_CONFIDENCE
    assert MarketSignal.INVESTOR_CONFIDENCE in alibaba.signals
    assert alibaba.signal is MarketSignal.OUTPERFORMING  # its shares nearly doubled
    # no market facts: no signal; and only companies get one
    for entity in ("deepseek", "openai", "qwen", "investors", "chinese-tech-groups"):
        assert graph.node(entity).signal is None, entity
        assert graph.node(entity).signals == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("Baidu's shares have lagged by a wide margin.", (MarketSignal.UNDERPERFORMING,)),
    ("Shares have significantly underperformed", (MarketSignal.UNDERPERFORMING,)),
    ("Its share price has almost doubled.", (MarketSignal.OUTPERFORMING,)),
    ("Stronger investor confidence than Baidu", (MarketSignal.INVESTOR_CONFIDENCE,)),
    ("Weaker investor confidence than its peers", (MarketSignal.UNDERPERFORMING,)),
    ("Its flagship model shipped.", ()),  # "lag" only at the start of a word
])
def test_classify(text, expected) -> None:
    assert classify(text) == expected


def test_primary_signal() -> None:
    up, trust, down = (MarketSignal.OUTPERFORMING, MarketSignal.INVESTOR_CONFIDENCE,
                       MarketSignal.UNDERPERFORMING)
    assert primary_signal((up, trust)) is up
    assert primary_signal((trust,)) is trust
    assert primary_signal((down,)) is down
    assert primary_signal((trust, down)) is MarketSignal.MIXED
    assert primary_signal(()) is None


def test_sources(graph) -> None:
    (source,) = graph.sources
    assert source.outlet == "Financial Times"
    assert source.published == "Mar 2025"
    assert source.label == ("Financial Times, “Tensions inside China as its AI race speeds up” "
                            "(Mar 2025, date inferred)")


def test_focus_is_the_entity_and_its_neighbours(kb) -> None:
    graph = landscape_graph(kb, "deepseek")
    assert graph.focus == "deepseek" and graph.ids[0] == "deepseek"
    assert set(graph.ids) == {"deepseek", "deepseek-v3", "openai", "us-tech-groups", "alibaba",
                              "chinese-tech-groups", "hugging-face"}
    assert graph.title == "Around DeepSeek (深度求索)"
    assert graph.candidates == 7 and not graph.truncated
    # links among the neighbours are kept, links to outsiders are not
    assert ("openai", "us-tech-groups", "part_of") in links(graph)
    assert all({e.source, e.target} <= set(graph.ids) for e in graph.edges)


def test_focus_takes_parents_children_and_who_points_at_it(kb) -> None:
    assert set(landscape_graph(kb, "qwen").ids) == {"qwen", "alibaba"}
    assert "deepseek-v3" in landscape_graph(kb, "openai").ids  # V3 names OpenAI its rival
    assert landscape_graph(kb, "深度求索").focus == "deepseek"  # any alias
    with pytest.raises(KeyError):
        landscape_graph(kb, "huawei")


def test_top_n_keeps_the_best_covered(kb) -> None:
    graph = landscape_graph(kb, top_n=3)
    assert len(graph.nodes) == 3 and graph.truncated
    counts = sorted((len(ids) for ids in kb.facts_by_entity.values()), reverse=True)
    assert [n.fact_count for n in graph.nodes] == counts[:3]
    assert all({e.source, e.target} <= set(graph.ids) for e in graph.edges)
    assert "the 3 with the most facts of 12" in graph.summary
    focused = landscape_graph(kb, "openai", top_n=2)
    assert focused.ids[0] == "openai" and len(focused.ids) == 2 and focused.truncated


def test_a_large_base_is_cut_to_top_n_and_says_so() -> None:
    kb = synthetic_base(10_000)
    graph = landscape_graph(kb)
    assert len(graph.nodes) == 60
    assert graph.truncated and graph.total_entities == 10_000 and graph.candidates == 10_000
    assert "the 60 with the most facts of 10,000" in graph.summary
    shown = set(graph.ids)
    least_shown = min(n.fact_count for n in graph.nodes)
    assert all(len(kb.facts_by_entity.get(e, ())) <= least_shown for e in kb.entities if e not in shown)
    assert graph.edges and all({e.source, e.target} <= shown for e in graph.edges)
    assert any(n.signal is not None for n in graph.nodes)
    around = landscape_graph(kb, "e0", top_n=60)
    assert around.focus == "e0" and not around.truncated and around.total_entities == 10_000


def test_the_landscape_command(engine) -> None:
    answer = route(engine, "landscape")
    assert answer.kind is Kind.PICTURE and answer.command == "landscape"
    assert answer.picture == Picture(PictureKind.LANDSCAPE, focus=None)
    assert set(answer.entities) == set(engine.kb.entities)
    lines = [line for s in answer.sections for line in s.lines]
    assert "Baidu: underperforming" in lines
    assert "Alibaba makes Qwen" in lines
    assert answer.sources and answer.sources[0].outlet == "Financial Times"
    focused = route(engine, "!landscape deep seek")
    assert focused.picture.focus == "deepseek" and focused.title.startswith("Around DeepSeek")
    assert route(engine, "landscape huawei").kind is Kind.NOT_FOUND
    assert any("landscape" in line for line in route(engine, "help").sections[0].lines)


def test_compare_card_flag(engine) -> None:
    card = route(engine, "compare deepseek qwen --card")
    assert card.kind is Kind.COMPARISON and card.picture == Picture(PictureKind.CARD)
    assert card.entities == ("deepseek", "qwen")
    plain = route(engine, "compare deepseek qwen")
    assert plain.picture is None
    assert (card.columns, card.rows) == (plain.columns, plain.rows)
    assert route(engine, "compare deepseek huawei --card").kind is Kind.NOT_FOUND
    assert route(engine, "about deepseek --card").picture is None
