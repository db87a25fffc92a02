"""An engine built on a reload, reusing what the last one worked out, has the
same indexes as one built from nothing."""

from __future__ import annotations

from pathlib import Path

from bot.core import Engine
from bot.knowledge import Loader
from bot.shared.normalize import normalize, normalize_uncached, tokens, tokens_uncached
from tests.knowledge.fixtures import FACTS, write_base


def _indexes(engine: Engine) -> tuple:
    return (engine.terms.postings, engine.terms.idf, engine.terms.words, engine.linker.vocabulary,
            engine.linker._sorted, engine.linker._up_to)


def test_reloaded_engine_matches_a_fresh_one(tmp_path: Path) -> None:
    knowledge = write_base(tmp_path)
    kept = Loader(knowledge)
    old = Engine(kept.load())
    (knowledge / "facts" / "main.yaml").write_text(
        FACTS.replace("Acme put out its first model.", "Acme's investors cheered a new chip."))
    new = Engine(kept.load(), previous=old)
    assert new.linker._pieces is old.linker._pieces  # the aliases did not change: taken over
    reused = _indexes(new)
    fresh = _indexes(Engine(Loader(knowledge).load()))
    assert reused == fresh
    assert "cheered" in reused[3] and "put" not in reused[3]


def test_uncached_normalisation_is_the_cached_one() -> None:
    for text in ["Alibaba's Qwen-2.5!", "ＤｅｅｐＳｅｅｋ\u200b-V3", "  it's   rock'n'roll  ", "比较，百度",
                 "Tab\tand\nnewline", "", "O’Brien’s model"]:
        assert normalize_uncached(text) == normalize(text)
        assert tokens_uncached(text) == list(tokens(normalize(text)))
