"""The embedding model runs from the installed wheel, and fact vectors are kept
across reloads and runs without ever being trusted when stale."""

from __future__ import annotations

import numpy as np

from bot.core import Engine
from bot.core.semantic import Embedder, VectorCache
from bot.knowledge import Loader
from tests.knowledge.fixtures import FACTS, write_base


def test_meaning_brings_paraphrases_closer_than_unrelated_text() -> None:
    embedder = Embedder.shipped()
    price, cut, weather = embedder.embed(["who is cutting prices", "a price war began",
                                          "sunny weather tomorrow"])
    assert float(price @ cut) > float(price @ weather)
    assert np.allclose(embedder.one("who is cutting prices"), price)  # deterministic


def test_a_reload_reuses_the_vectors_of_unchanged_facts(tmp_path) -> None:
    knowledge = write_base(tmp_path)
    loader = Loader(knowledge)
    first = Engine(loader.load())
    (knowledge / "facts" / "main.yaml").write_text(
        FACTS.replace("Acme put out its first model.", "Acme released its first model."),
        encoding="utf-8")
    second = Engine(loader.load(), previous=first)
    changed, kept = "release.acme-one", "outlook.acme-wins"
    row = second.vectors.row
    assert np.array_equal(second.vectors.matrix[row[kept]], first.vectors.matrix[row[kept]])
    assert not np.array_equal(second.vectors.matrix[row[changed]],
                              first.vectors.matrix[first.vectors.row[changed]])


def test_the_vector_cache_is_used_and_a_corrupt_file_is_rebuilt(tmp_path) -> None:
    kb = Loader(write_base(tmp_path)).load()
    cache = VectorCache(tmp_path / "cache")
    fresh = Engine(kb, vector_cache=cache).vectors.matrix
    (written,) = (tmp_path / "cache").glob("vectors-*.npy")
    assert np.array_equal(Engine(kb, vector_cache=cache).vectors.matrix, fresh)
    written.write_bytes(b"not a numpy file")
    assert np.array_equal(Engine(kb, vector_cache=cache).vectors.matrix, fresh)
    assert np.array_equal(np.load(written), fresh)  # rewritten, good again
