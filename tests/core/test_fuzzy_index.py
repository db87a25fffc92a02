"""The linker's typo search looks aliases up by their pieces instead of
checking every one: it must still find every alias within the typo budget."""

from __future__ import annotations

import random
from types import MappingProxyType, SimpleNamespace

from rapidfuzz.distance import OSA

from bot.core import linker
from bot.core.linker import Linker, typo_budget


def _edit(rng: random.Random, text: str, alphabet: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(chars))
        op = rng.choice("sidt")
        if op == "s":
            chars[i] = rng.choice(alphabet)
        elif op == "i":
            chars.insert(i, rng.choice(alphabet))
        elif op == "d" and len(chars) > 1:
            del chars[i]
        elif i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def test_near_finds_what_checking_every_alias_finds(monkeypatch) -> None:
    monkeypatch.setattr(linker, "_BRUTE_FORCE_BELOW", 0)  # always the piece index
    rng = random.Random(7)
    alphabet = "abcdeéz 振宇"  # few letters: many aliases close to each other
    names = {"".join(rng.choice(alphabet) for _ in range(rng.randint(2, 14))) for _ in range(3000)}
    aliases = {name: f"e{i % 997}" for i, name in enumerate(sorted(names))}
    found = Linker(SimpleNamespace(alias_index=MappingProxyType(aliases)), frozenset())
    for _ in range(1500):
        query = _edit(rng, rng.choice(list(aliases)), alphabet)
        budget = typo_budget(len(query))
        if budget == 0:
            continue
        within = {a for a in aliases if OSA.distance(query, a) <= budget}
        assert within <= set(found._candidates(query, budget)), query
        best: dict[str, int] = {}
        for alias in within:
            d = OSA.distance(query, alias)
            best[aliases[alias]] = min(d, best.get(aliases[alias], d))
        assert found._near(query) == sorted((d, e) for e, d in best.items())
