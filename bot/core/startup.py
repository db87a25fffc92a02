"""A cold start from a cache: the loader and the engine built from the same files
last time, read back instead of parsed, validated, indexed and embedded again
(a hundred thousand facts take about ten seconds to build, one to read back).

The cache file is named by a hash of the knowledge directory's place, of the
files' paths (inside it) and contents, and of the code that builds the engine,
so a changed file or a new version of the bot never meets a stale cache, and
the loader read back reloads from the directory it was asked for, not from a
copy of the same files elsewhere that filled the cache first. A file
that cannot be read back (truncated, corrupt, from an older Python) is ignored
and replaced; it is only ever trusted when its name matches. The loader comes
back with its parsed files, so the first reload after a cached start
re-parses only what changed, as any other reload.

The cache is a pickle: it lives in the bot's own data directory and is written
only by the bot; do not point `CACHE_DIR` at a directory others can write to.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import pickle
from pathlib import Path

import bot
from bot.core.engine import Engine
from bot.core.semantic import Embedder, VectorCache
from bot.knowledge import Loader
from bot.knowledge.loader import yaml_files
from bot.shared.collector import collector_paused

log = logging.getLogger(__name__)

_BUILT_BY = ("core", "knowledge", "shared")
"""the packages whose code decides what an engine holds"""


def content_key(root: Path) -> str:
    digest = hashlib.sha256()
    package = Path(bot.__file__).parent
    digest.update(f"{root.resolve()}\0".encode())
    for sub in _BUILT_BY:
        for path in sorted((package / sub).rglob("*.py")):
            digest.update(path.read_bytes())
    for path in yaml_files(root):
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def start(root: Path, cache_dir: Path | None, embedder: Embedder | None = None
          ) -> tuple[Loader, Engine]:
    """The loader and engine for the files under root: from the cache when it
    matches them, else built (and cached). KnowledgeError when the files are bad."""
    embedder = embedder or Embedder.shipped()
    if cache_dir is None:
        loader = Loader(root)
        return loader, Engine(loader.load(), embedder=embedder)
    try:
        key = content_key(root)
    except OSError:  # an unreadable file: let the loader say which, precisely
        key = None
    path = cache_dir / f"engine-{key}.pickle" if key else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as f, collector_paused():
                loader, engine = pickle.load(f)
            if isinstance(loader, Loader) and isinstance(engine, Engine):
                engine.embedder = embedder
                return loader, engine
        except Exception as exc:
            log.warning("start-up cache %s unreadable (%s): rebuilding it", path.name, exc)
    loader = Loader(root)
    engine = Engine(loader.load(), embedder=embedder, vector_cache=VectorCache(cache_dir))
    if path is not None:
        _write(path, loader, engine)
    return loader, engine


def _write(path: Path, loader: Loader, engine: Engine) -> None:
    """Atomically, and only the newest: older engine caches are removed."""
    partial = path.with_suffix(".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as f:
            pickle.dump((loader, engine), f, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
        for old in path.parent.glob("engine-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a cache that cannot be written only makes starts slower
        log.warning("could not write the start-up cache: %s", exc)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
