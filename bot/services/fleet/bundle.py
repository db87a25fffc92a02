"""A validated fact base as one compressed blob, named by its version.

The version is `content_version` of the files (their paths inside the knowledge directory
and the sha256 of their bytes), so a process on another machine checks what it fetched
before it parses anything, and serves exactly the bytes the reloading process validated,
whatever files it holds itself."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from pathlib import Path, PurePosixPath

from bot.knowledge.loader import content_version, yaml_files


class BundleError(Exception):
    pass


def read_files(root: Path) -> dict[str, bytes]:
    """The files a Loader on `root` reads, by path inside `root`."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in yaml_files(root)}


def files_version(files: dict[str, bytes]) -> str:
    return content_version((rel, hashlib.sha256(raw).hexdigest()) for rel, raw in files.items())


def make_bundle(root: Path, version: str) -> bytes:
    """The files under `root`, checked to be the ones that loaded as `version` (a file
    edited between the load and this read would otherwise be shared unvalidated)."""
    files = read_files(root)
    if files_version(files) != version:
        raise BundleError("the knowledge files changed while reloading: run the reload again")
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:xz") as tar:
        for rel, raw in sorted(files.items()):
            info = tarfile.TarInfo(rel)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return out.getvalue()


def open_bundle(data: bytes, version: str) -> dict[str, bytes]:
    """The files in a bundle, or BundleError if they are not exactly `version`."""
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:xz") as tar:
            for member in tar:
                path = PurePosixPath(member.name)
                if not member.isfile() or path.is_absolute() or ".." in path.parts:
                    raise BundleError(f"unexpected entry {member.name!r} in the bundle")
                extracted = tar.extractfile(member)
                assert extracted is not None
                files[path.as_posix()] = extracted.read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BundleError(f"the bundle cannot be read: {exc}") from None
    got = files_version(files)
    if got != version:
        raise BundleError(f"the bundle holds version {got[:10]}, not {version[:10]}")
    return files


def write_tree(files: dict[str, bytes], root: Path) -> None:
    """Make `root` hold exactly `files`: each replaced by a rename, so a Loader never reads
    half a file, and what the bundle lacks removed."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, raw in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file() and target.read_bytes() == raw:
            continue  # unchanged: the Loader keeps its parsed copy
        temp = target.with_name(f".{target.name}.tmp")
        temp.write_bytes(raw)
        os.replace(temp, target)
    for path in yaml_files(root):
        if path.relative_to(root).as_posix() not in files:
            path.unlink()
