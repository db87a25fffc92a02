"""A start from the cache answers as a fresh build does, and a stale or corrupt
cache is rebuilt, never trusted."""

from __future__ import annotations

import logging

from bot.core import Engine, route, startup
from tests.knowledge.fixtures import FACTS, write_base


def test_a_cached_start_answers_as_a_fresh_one(tmp_path) -> None:
    knowledge, cache = write_base(tmp_path), tmp_path / "cache"
    _, built = startup.start(knowledge, cache)
    assert len(list(cache.glob("engine-*.pickle"))) == 1
    _, cached = startup.start(knowledge, cache)
    assert cached is not built
    for line in ("what did acme release", "about acme", "compare acme acme one"):
        assert route(cached, line) == route(built, line)


def test_a_changed_file_is_never_answered_from_the_old_cache(tmp_path) -> None:
    knowledge, cache = write_base(tmp_path), tmp_path / "cache"
    startup.start(knowledge, cache)
    (knowledge / "facts" / "main.yaml").write_text(
        FACTS.replace("Acme put out its first model.", "Acme launched Acme One."), encoding="utf-8")
    _, engine = startup.start(knowledge, cache)
    assert engine.kb.facts["release.acme-one"].statement == "Acme launched Acme One."
    assert len(list(cache.glob("engine-*.pickle"))) == 1  # the old one is gone


def test_a_corrupt_cache_is_rebuilt_with_a_warning(tmp_path, caplog) -> None:
    knowledge, cache = write_base(tmp_path), tmp_path / "cache"
    startup.start(knowledge, cache)
    (written,) = cache.glob("engine-*.pickle")
    written.write_bytes(written.read_bytes()[:100])
    with caplog.at_level(logging.WARNING):
        _, engine = startup.start(knowledge, cache)
    assert "rebuilding" in caplog.text
    assert route(engine, "what did acme release").facts


def test_a_reload_after_a_cached_start_sees_the_change(tmp_path) -> None:
    knowledge, cache = write_base(tmp_path), tmp_path / "cache"
    startup.start(knowledge, cache)
    loader, engine = startup.start(knowledge, cache)
    (knowledge / "facts" / "main.yaml").write_text(
        FACTS.replace("Acme put out its first model.", "Acme launched Acme One."), encoding="utf-8")
    new = Engine(loader.load(), previous=engine)
    assert new.kb.facts["release.acme-one"].statement == "Acme launched Acme One."
    # the unchanged file was not parsed again: the cached loader knew it
    assert new.kb.sources["src-a"] is engine.kb.sources["src-a"]


def test_a_copy_of_the_same_files_reloads_from_its_own_directory(tmp_path) -> None:
    """Two directories with the same files and one cache: the loader that comes back
    for the second reads the second, so its edits are seen on reload."""
    cache = tmp_path / "cache"
    startup.start(write_base(tmp_path / "one"), cache)
    second = write_base(tmp_path / "two")
    loader, engine = startup.start(second, cache)
    (second / "facts" / "main.yaml").write_text(
        FACTS.replace("Acme put out its first model.", "Acme launched Acme One."), encoding="utf-8")
    new = Engine(loader.load(), previous=engine)
    assert new.kb.facts["release.acme-one"].statement == "Acme launched Acme One."
