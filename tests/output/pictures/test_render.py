"""Drawing: the PNGs decode, have the expected size, say what they should,
are cached per fact-base version, and the CLI writes them."""

from __future__ import annotations

import dataclasses
import io
import logging
from pathlib import Path

import pytest
from matplotlib.image import imread

from bot.core import Kind, route
from bot.core.landscape import landscape_graph
from bot.frontends.cli import main
from bot.output.pictures import PictureCache, draw, fonts
from bot.output.pictures.draw import WIDTH, png_size
from tests.core.synthetic_base import synthetic_base
from tests.paths import FT_BASE


def decode(png: bytes):
    image = imread(io.BytesIO(png), format="png")
    assert image.ndim == 3 and image.shape[2] in (3, 4)
    assert (image.shape[1], image.shape[0]) == png_size(png)
    return image


@pytest.fixture
def drawn(monkeypatch) -> list[list[str]]:
    """The text of every picture drawn during the test, one list per picture."""
    pictures: list[list[str]] = []
    original = draw._png

    def spy(fig, canvas):
        pictures.append([t.get_text() for ax in fig.axes for t in ax.texts]
                        + [t.get_text() for leg in fig.legends for t in leg.get_texts()])
        return original(fig, canvas)

    monkeypatch.setattr(draw, "_png", spy)
    return pictures


def test_landscape_png(engine, drawn) -> None:
    png = draw.render_landscape(landscape_graph(engine.kb))
    image = decode(png)
    assert image.shape[1] == WIDTH and 700 < image.shape[0] < 2500
    assert image[..., :3].min() < 0.2  # something dark was drawn on the white
    (texts,) = drawn
    for expected in ("DeepSeek", "深度求索", "Baidu", "百度", "company", "underperforming (shares lag)",
                     "rivals", "makes (maker → product)"):
        assert expected in texts, expected
    assert any("Financial Times" in t and "Mar 2025" in t for t in texts)


def test_focus_landscape_png(engine, drawn) -> None:
    decode(draw.render_landscape(landscape_graph(engine.kb, "qwen")))
    assert any("Around Qwen" in t for t in drawn[0])
    assert any("thick dark border marks the focus" in t for t in drawn[0])


def test_compare_card_shows_both_names(engine, drawn) -> None:
    answer = route(engine, "compare deepseek qwen --card")
    assert [c.label for c in answer.columns] == ["DeepSeek (深度求索)", "Qwen (通义千问)"]
    image = decode(draw.render_compare_card(answer))
    assert image.shape[1] == WIDTH and 500 < image.shape[0] < 2000
    (texts,) = drawn
    for expected in ("DeepSeek vs Qwen", "DeepSeek", "深度求索", "Qwen", "通义千问", "Capabilities",
                     "How they relate"):
        assert expected in texts, expected
    assert any("Financial Times" in t for t in texts)
    # every cell's words are on the card, wrapped
    body = " ".join(texts)
    for row in answer.rows:
        for cell in row.cells:
            assert all(word in body for word in cell.text.split()), cell.text


def test_four_way_card_and_uncovered_cells(engine, drawn) -> None:
    answer = route(engine, "compare deepseek qwen baidu tencent --card")
    decode(draw.render_compare_card(answer))
    assert "not covered by the" in " ".join(drawn[0])


def test_card_needs_a_comparison(engine) -> None:
    with pytest.raises(ValueError):
        draw.render_compare_card(route(engine, "about deepseek"))


def test_large_base_draws_only_top_n(drawn) -> None:
    kb = synthetic_base(10_000)
    graph = landscape_graph(kb, top_n=40)
    decode(draw.render_landscape(graph))
    boxes = [t for t in drawn[0] if t.startswith(("Company ", "Model "))]
    assert len(boxes) == 40
    assert any("Showing the 40 entities with the most facts, of 10,000" in t for t in drawn[0])


def test_cache_draws_once_per_version(engine, monkeypatch) -> None:
    calls = []
    original = draw.render_landscape
    monkeypatch.setattr(draw, "render_landscape", lambda g: calls.append(g) or original(g))
    cache = PictureCache()
    first = cache.landscape(engine.kb, "deepseek")
    again = cache.landscape(engine.kb, "DeepSeek")  # any name of the same entity
    assert again is first and len(calls) == 1 and cache.hits == 1 and cache.draws == 1
    reloaded = dataclasses.replace(engine.kb, version="another-version")
    assert cache.landscape(reloaded, "deepseek") == first  # same content, drawn again
    assert len(calls) == 2 and len(cache) == 2
    with pytest.raises(KeyError):
        cache.landscape(engine.kb, "huawei")


def test_cache_cards_and_eviction(engine) -> None:
    cache = PictureCache(maxsize=1)
    card = route(engine, "compare deepseek qwen --card")
    png = cache.picture_for(engine.kb, card)
    assert png is not None and png_size(png)[0] == WIDTH
    assert cache.picture_for(engine.kb, route(engine, "compare deepseek qwen --card")) is png
    assert cache.picture_for(engine.kb, route(engine, "landscape")) is not None
    assert len(cache) == 1 and cache.draws == 2
    assert cache.picture_for(engine.kb, route(engine, "compare deepseek qwen")) is None
    assert cache.picture_for(engine.kb, route(engine, "about deepseek")) is None


def test_without_a_cjk_font_it_warns_once_and_still_draws(engine, monkeypatch, caplog) -> None:
    monkeypatch.setattr(fonts, "PREFERRED", ())
    monkeypatch.setattr(fonts, "_candidate_files", list)
    monkeypatch.setattr(fonts, "_fontconfig_files", list)
    fonts.cjk_family.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.output.pictures.fonts"):
            assert fonts.families() == [fonts.BASE_FAMILY]
            decode(draw.render_landscape(landscape_graph(engine.kb)))
            decode(draw.render_compare_card(route(engine, "compare deepseek qwen")))
        warned = [r for r in caplog.records if r.name == "bot.output.pictures.fonts"]
        assert len(warned) == 1 and "Chinese" in warned[0].getMessage()
    finally:
        fonts.cjk_family.cache_clear()


def test_cli_out_writes_pngs(tmp_path: Path, capsys) -> None:
    knowledge = str(FT_BASE)
    landscape = tmp_path / "map.png"
    assert main(["query", "landscape", "--out", str(landscape), "--knowledge", knowledge]) == 0
    assert png_size(landscape.read_bytes())[0] == WIDTH
    assert f"Picture: {landscape}" in capsys.readouterr().out
    card = tmp_path / "card.png"
    assert main(["query", "compare deepseek qwen --card", "--out", str(card), "--knowledge", knowledge]) == 0
    decode(card.read_bytes())
    out = capsys.readouterr().out
    assert "DeepSeek vs Qwen" in out and f"Picture: {card}" in out
    nothing = tmp_path / "none.png"
    assert main(["query", "about deepseek", "--out", str(nothing), "--knowledge", knowledge]) == 1
    assert not nothing.exists()
    assert "No picture for this answer" in capsys.readouterr().err


def test_picture_answers_render_as_text(engine) -> None:
    from bot.output.json import to_json
    from bot.output.text import render_text

    answer = route(engine, "landscape alibaba")
    assert answer.kind is Kind.PICTURE
    text = render_text(answer)
    assert "Around Alibaba" in text and "Alibaba: outperforming, investor confidence" in text
    assert to_json(answer)["kind"] == "picture"
