from __future__ import annotations

import pytest

from bot.shared.normalize import normalize


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("DeepSeek", "deepseek"), ("deepsek", "deepseek"), ("ＤｅｅｐＳｅｅｋ", "deepseek"),
        ("alibba", "alibaba"), ("tencnet", "tencent"), ("quen", "qwen"), ("Qwen", "qwen"),
        ("v3", "deepseek-v3"), ("DeepSeek-V3", "deepseek-v3"), ("hugging fase", "hugging-face"),
        ("深度求索", "deepseek"), ("阿里巴巴", "alibaba"), ("通义千问", "qwen"), ("千问", "qwen"),
        ("百度", "baidu"), ("腾讯", "tencent"), ("中国", "china"), ("Alibaba's", "alibaba"),
    ],
)
def test_names_typos_and_chinese_names_resolve(engine, name, entity) -> None:
    assert engine.linker.resolve(name).entity_id == entity


def test_unknown_name_resolves_to_nothing(engine) -> None:
    resolution = engine.linker.resolve("Huawei")
    assert resolution.entity_id is None


def test_ambiguous_typo_is_never_a_silent_guess(engine) -> None:
    # "deepseek v" is one edit from both DeepSeek and DeepSeek V3.
    resolution = engine.linker.resolve("deepseekv")
    assert resolution.entity_id is None
    assert set(resolution.suggestions) == {"deepseek", "deepseek-v3"}


@pytest.mark.parametrize(
    ("question", "entities"),
    [
        ("DeepSeek 发布了什么？", ("deepseek",)),
        ("比较百度和腾讯", ("baidu", "tencent")),
        ("how does hugging face help deepseek", ("hugging-face", "deepseek")),
        ("is deepsek ahead of alibba?", ("deepseek", "alibaba")),
        ("what did DeepSeek V3 improve", ("deepseek-v3",)),
        ("阿里巴巴的千问模型", ("alibaba", "qwen")),
    ],
)
def test_every_entity_in_a_question_is_found_in_order(engine, question, entities) -> None:
    assert engine.linker.link(question).entity_ids == entities


@pytest.mark.parametrize(
    "question",
    ["what is the weather like", "who won the football match", "tenant rights in spring",
     "open the pod bay doors", "when will they release more models"],
)
def test_ordinary_words_never_become_entities(engine, question) -> None:
    assert engine.linker.link(question).entity_ids == ()


def test_autocomplete_prefix_and_typos(engine) -> None:
    assert engine.linker.complete("deeps")[:2] == ["deepseek", "deepseek-v3"]
    assert "tencent" in engine.linker.complete("tencnet")
    assert engine.linker.complete("阿里") == ["alibaba"]


def test_normalize_folds_width_case_punctuation_and_invisible_characters() -> None:
    assert normalize("ＤｅｅｐＳｅｅｋ\u200b-V3!!") == "deepseek v3"
    assert normalize("  Alibaba's\u202e  Qwen ") == "alibaba qwen"
    assert normalize("比较，百度") == "比较 百度"
