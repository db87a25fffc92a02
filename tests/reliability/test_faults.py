"""Broken knowledge files, one fault per test, each through the maintainers' reload (the
real `!reload` on the loopback stub, or `RaceBot.reload_knowledge()` that it runs).

Every broken reload must be refused with a message naming the file and the problem,
and afterwards the bot answers exactly as before: the same engine, every fact of the
old base still served as it was, every `about` the same, and real questions through
the stub answered with identical embeds. Each test adds its row to the table in
bench/out/faults.md (fault, message, facts still served).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core import Engine, route
from tests.frontends.discord.conftest import MAINTAINER_ID, OTHER_ID, USER_ID, World
from tests.paths import FT_BASE, ROOT
from tests.reliability.limits import FAULTS

MARKET = "facts/market.yaml"
QUESTIONS = ("!about baidu", "!compare deepseek qwen", "!ask how are baidu shares doing")


def edit(path: Path, pattern: str, replacement: str) -> None:
    """Change the first match of a regex; the shipped files must still contain it."""
    text = path.read_text("utf-8")
    new, n = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert n == 1, f"{pattern!r} not found in {path}"
    path.write_text(new, "utf-8")


def duplicate_id(k: Path) -> None:
    path = k / MARKET
    ids = re.findall(r"^  - id: (\S+)$", path.read_text("utf-8"), flags=re.MULTILINE)
    edit(path, rf"^  - id: {re.escape(ids[1])}$", f"  - id: {ids[0]}")


def shared_alias(k: Path) -> None:
    path = k / "entities.yaml"
    names = re.findall(r"^    name: (.+)$", path.read_text("utf-8"), flags=re.MULTILINE)
    other = next(n for n in names[1:] if n.split()[0] != names[0].split()[0])
    edit(path, r"^(    aliases: \[)", rf"\g<1>{other}, ")


def truncate(k: Path) -> None:
    path = k / MARKET
    raw = path.read_bytes()
    cut = int(len(raw) * 0.6)
    while raw[cut - 1 : cut] in (b"\n", b" "):  # mid-word: a write cut short
        cut += 1
    path.write_bytes(raw[:cut])


def self_loop(k: Path) -> None:
    (k / "facts" / "loop.yaml").symlink_to("loop.yaml")


def gone(k: Path) -> None:
    k.rename(k.with_name("knowledge.moved-away"))


@dataclass(frozen=True)
class Fault:
    name: str
    make: Callable[[Path], None]
    file: str
    problem: str
    via_command: bool = False


FAULT_CASES = [
    Fault("invalid YAML", lambda k: edit(k / MARKET, r"^    subject: (\S+)$", r"    subject: [\1"),
          "knowledge/facts/market.yaml:", "YAML syntax error", via_command=True),
    Fault("a wrong type", lambda k: edit(k / MARKET, r"paragraph: \d+\}", "paragraph: five}"),
          "knowledge/facts/market.yaml:", "cite.paragraph: Input should be a valid integer"),
    Fault("an unknown field",
          lambda k: edit(k / MARKET, r"^(    category: \S+)$", r"\1\n    confidence: high"),
          "knowledge/facts/market.yaml:", "confidence: unknown field"),
    Fault("a duplicate id", duplicate_id, "knowledge/facts/market.yaml:", "duplicate fact id"),
    Fault("a dangling reference",
          lambda k: edit(k / MARKET, r"^    subject: \S+$", "    subject: no-such-entity"),
          "knowledge/facts/market.yaml:", "entity 'no-such-entity' is not a known entity"),
    Fault("two entities sharing an alias", shared_alias, "knowledge/entities.yaml:",
          "is also an alias of entity"),
    Fault("an empty file", lambda k: (k / MARKET).write_bytes(b""),
          "knowledge/facts/market.yaml", "the file is empty", via_command=True),
    Fault("binary garbage",
          lambda k: (k / MARKET).write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(4096)),
          "knowledge/facts/market.yaml", "not UTF-8 text", via_command=True),
    Fault("a file truncated mid-write", truncate, "knowledge/facts/market.yaml:", "", via_command=True),
    Fault("the directory missing", gone, "/knowledge", "the knowledge directory does not exist",
          via_command=True),
    Fault("a symlink loop (facts/loop.yaml -> itself)", self_loop, "knowledge/facts/loop.yaml",
          "cannot read the file: Too many levels of symbolic links", via_command=True),
]


def served(engine: Engine, views: dict, abouts: dict) -> int:
    """How many facts of the old base the engine still serves unchanged; asserts
    that every entity's `about` is unchanged too."""
    for eid, answer in abouts.items():
        assert route(engine, f"about {engine.kb.entities[eid].name}") == answer, eid
    return sum(fid in engine.kb.facts and engine.fact_view(fid) == view for fid, view in views.items())


def snapshot(engine: Engine) -> tuple[dict, dict]:
    return ({fid: engine.fact_view(fid) for fid in engine.kb.facts},
            {eid: route(engine, f"about {e.name}") for eid, e in engine.kb.entities.items()})


async def ask_all(world: World, author: int) -> list[list[dict]]:
    return [(await world.say(q, author=author))["embeds"] for q in QUESTIONS]


def shown(message: str, world: World) -> str:
    return message.replace(str(world.knowledge.parent) + "/", "…/")


@pytest.mark.parametrize("fault", FAULT_CASES, ids=[f.name for f in FAULT_CASES])
async def test_a_broken_reload_is_refused_and_nothing_changes(world: World, fault: Fault) -> None:
    engine = world.bot.engine
    views, abouts = snapshot(engine)
    before = await ask_all(world, USER_ID)

    fault.make(world.knowledge)
    if fault.via_command:
        reply = await world.say("!reload", author=MAINTAINER_ID)
        (embed,) = reply["embeds"]
        assert embed["title"].startswith("Reload refused: ")
        problems = [line.strip("• `") for line in embed["description"].splitlines()]
    else:
        result = await asyncio.wait_for(world.bot.reload_knowledge(), 10)
        assert not result.ok
        problems = list(result.problems)
    first = next(p for p in problems if fault.file in p and fault.problem in p)
    assert len(problems) == len(set(problems))  # each problem said once
    for p in problems:  # a duplicate points at its first definition, not at itself
        here_first = re.match(r"(\S+:\d+) .*first defined at (\S+:\d+)\)", p)
        assert here_first is None or here_first[1] != here_first[2], p

    assert world.bot.engine is engine
    count = served(world.bot.engine, views, abouts)
    assert count == len(views)
    assert await ask_all(world, OTHER_ID) == before  # the same embeds, to the character
    FAULTS.append((fault.name + (" (`!reload`)" if fault.via_command else ""), shown(first, world),
                   f"{count}/{len(views)}"))


async def test_a_directory_symlink_loop_is_not_followed(world: World) -> None:
    """By design (bot/knowledge/loader.py, yaml_files) directory links are not followed,
    so a loop cannot hang the reload; nothing else changed, so the reload goes through."""
    engine = world.bot.engine
    views, abouts = snapshot(engine)
    before = await ask_all(world, USER_ID)
    (world.knowledge / "facts" / "again").symlink_to("..", target_is_directory=True)
    reply = await world.say("!reload", author=MAINTAINER_ID)
    (embed,) = reply["embeds"]
    assert embed["title"].startswith("Reloaded")
    assert "No changes" in embed["description"]
    count = served(world.bot.engine, views, abouts)
    assert count == len(views)
    assert await ask_all(world, OTHER_ID) == before
    FAULTS.append(("a directory symlink loop (facts/again -> ..) (`!reload`)",
                   "not refused: directory links are not followed (by design); "
                   f"\"{embed['description']}\"", f"{count}/{len(views)}"))


async def test_a_truncated_file_never_slips_through_silently(world: World) -> None:
    """A write cut short can leave valid YAML with fewer entries. Every line end of
    market.yaml and every 97th byte is tried as the cut: each reload is refused, naming
    the file or the facts it lost (ids start with their file's name, see the README),
    or goes through and its reply lists the facts removed or changed (a cut that drops an
    entry's last optional fields, `nature:` say, is valid YAML and only shows as a
    changed fact). The base is restored after each."""
    path = world.knowledge / MARKET
    raw = path.read_bytes()
    cuts = sorted({m.end() for m in re.finditer(rb"\n", raw)} | set(range(7, len(raw), 97)))
    named = lost = accepted = 0
    for cut in cuts[:-1]:
        path.write_bytes(raw[:cut])
        result = await asyncio.wait_for(world.bot.reload_knowledge(), 10)
        if result.ok:
            accepted += 1
            assert result.diff is not None, cut
            assert result.diff.facts.removed or result.diff.facts.changed, cut
            path.write_bytes(raw)
            assert (await asyncio.wait_for(world.bot.reload_knowledge(), 10)).ok
        elif any("knowledge/facts/market.yaml" in p for p in result.problems):
            named += 1
        else:
            lost += 1
            assert any("cites unknown fact 'market." in p for p in result.problems), cut
    path.write_bytes(raw)
    assert (await asyncio.wait_for(world.bot.reload_knowledge(), 10)).ok
    FAULTS.append((f"market.yaml cut short at each of {len(cuts) - 1} points (line ends, every 97th "
                   "byte)", f"{named} refused naming market.yaml; {lost} refused naming the "
                   f"market.* facts other files cite; {accepted} accepted, the reply listing the "
                   "facts removed or changed", "all, after each refusal"))


def test_an_unreadable_file_is_refused_for_an_unprivileged_user() -> None:
    """chmod 000 does not stop root, so the reload runs in a subprocess that drops to
    uid 65534 (nobody) first when the tests run as root: see unreadable_child.py."""
    base = Path(tempfile.mkdtemp(prefix="unreadable-"))
    try:
        base.chmod(0o755)  # nobody must reach the files
        knowledge = base / "knowledge"
        shutil.copytree(FT_BASE, knowledge)
        for path in (knowledge, *knowledge.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        proc = subprocess.run(
            [sys.executable, "-m", "tests.reliability.unreadable_child", str(knowledge), MARKET],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        report = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if os.geteuid() == 0 and not report["simulated"]:
        assert report["uid"] == 65534
    assert not report["ok"]
    (problem,) = report["problems"]
    assert problem == "knowledge/facts/market.yaml: cannot read the file: Permission denied"
    assert report["same_engine"] and report["abouts_same"]
    assert report["served"] == report["facts"]
    how = "EACCES simulated: setuid refused" if report["simulated"] else f"reload as uid {report['uid']}"
    FAULTS.append((f"a file that cannot be read (chmod 000; {how}, subprocess)",
                   problem, f"{report['served']}/{report['facts']}"))
