"""Finding entities in text: exact alias n-grams first, then typo-tolerant matching.

Pure and discord-free, like RoboDanny's fuzzy module. One rule decides between
an answer and "did you mean": a name resolves when exactly one entity is the
closest within the typo budget for its length; otherwise the closest few are
offered as suggestions and nothing is guessed.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.knowledge import KnowledgeBase
from bot.shared.normalize import is_cjk, normalize, tokens

# Words that carry no meaning for retrieval or linking. Kept short on purpose:
# content words are the fact base's own vocabulary, learned when it loads.
STOPWORDS = frozenset("""
a about after again against all also am an and any are as at be been before being between both
but by can could did do does doing done during each else ever for from had has have having he
her here hers him his how i if in into is it its itself just know let like me more most my no
nor not now of off on once only or other our out over own please same she should show so some
such tell than that the their them then there these they this those through to too under until
up very vs versus was we were what whats when where which while who whom why will with would
you your compare comparison give me much many any anything something thing things say said
best better good great big biggest think thinks thought happen happened happening going get got
really way lot lots
""".split())

MAX_SUGGESTIONS = 3

# Below this many aliases of the lengths within a typo's reach, checking each
# is quicker than looking pieces up (see Linker._candidates).
_BRUTE_FORCE_BELOW = 1500


def _split(n: int, parts: int) -> list[tuple[int, int]]:
    """(start, size) of the pieces of a string of length n cut into parts
    nearly equal pieces, shorter ones first."""
    size, longer = divmod(n, parts)
    pieces, start = [], 0
    for i in range(parts):
        length = size + (i >= parts - longer)
        pieces.append((start, length))
        start += length
    return pieces


def _piece_index(aliases) -> dict[tuple[int, int], list[tuple[int, int, dict[str, list[str]]]]]:
    """(length, parts) -> for each piece of aliases of that length cut into
    parts pieces: (start, size, piece -> the aliases that have it there).
    Cut in 2 and 3, for Levenshtein distances 1 and 2."""
    index: dict[tuple[int, int], list[tuple[int, int, dict[str, list[str]]]]] = {}
    for alias in aliases:
        n = len(alias)
        for parts in (2, 3):
            if n < parts:
                continue
            layout = index.get((n, parts))
            if layout is None:
                layout = index[(n, parts)] = [(a, b, {}) for a, b in _split(n, parts)]
            for start, size, table in layout:
                piece = alias[start : start + size]
                hit = table.get(piece)
                if hit is None:
                    table[piece] = [alias]
                else:
                    hit.append(alias)
    return index


def typo_budget(length: int) -> int:
    """Edits tolerated in a name of this length: none for short names such as
    "v3" (every edit there is a different name), one up to six letters ("quen",
    "alibba"), two from seven ("tencnet")."""
    return 0 if length <= 3 else 1 if length <= 6 else 2


@dataclass(frozen=True, slots=True)
class Mention:
    entity_id: str
    text: str
    end: int
    """the index of the token after the mention"""


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A name that looked like an entity but matched none clearly."""

    text: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Linked:
    tokens: tuple[str, ...]
    mentions: tuple[Mention, ...]
    unresolved: tuple[Unresolved, ...]
    free: tuple[str, ...]
    """tokens outside any mention: what the question is about"""

    @property
    def entity_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.entity_id for m in self.mentions))


@dataclass(frozen=True, slots=True)
class Resolution:
    entity_id: str | None
    suggestions: tuple[str, ...] = ()


class Linker:
    def __init__(self, kb: KnowledgeBase, vocabulary: frozenset[str],
                 previous: Linker | None = None) -> None:
        self.kb = kb
        self.vocabulary = vocabulary
        self.max_ngram = max((k.count(" ") + 1 for k in self.aliases), default=1)
        names = list(self.aliases)
        if previous is not None and previous._all == names:
            # A reload that left every alias as it was (the usual case) reuses
            # what only depends on them: the structures below never change.
            self._by_length, self._sorted, self._all = previous._by_length, previous._sorted, names
            self._pieces, self._up_to = previous._pieces, previous._up_to
            return
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for alias in self.aliases:
            self._by_length[len(alias)].append(alias)
        self._sorted = sorted(self.aliases)
        self._all = names
        self._pieces = _piece_index(self.aliases)
        # how many aliases are shorter than each length
        self._up_to = [0] * (max(self._by_length, default=0) + 2)
        for n in range(1, len(self._up_to)):
            self._up_to[n] = self._up_to[n - 1] + len(self._by_length.get(n - 1, ()))

    @property
    def aliases(self) -> Mapping[str, str]:
        """normalised alias -> entity id (the base's own read-only view)"""
        return self.kb.alias_index

    # --- one name --------------------------------------------------------

    def _near(self, text: str) -> list[tuple[int, str]]:
        """(distance, entity id) of every entity within the typo budget, best first."""
        budget = typo_budget(len(text))
        if budget == 0:
            return []
        best: dict[str, int] = {}
        for alias, dist, _ in process.extract_iter(
            text, self._candidates(text, budget), scorer=OSA.distance, score_cutoff=budget
        ):
            eid = self.aliases[alias]
            if dist < best.get(eid, budget + 1):
                best[eid] = dist
        return sorted((d, eid) for eid, d in best.items())

    def _candidates(self, text: str, budget: int) -> list[str]:
        """Every alias whose OSA distance to text may be within budget: all of
        those, and few others, so that checking them is the only real work.

        An OSA alignment is some disjoint swaps of adjacent letters of text,
        then insertions, deletions and substitutions. So with the swaps undone,
        the alias is within Levenshtein distance budget - swaps of the text;
        and an alias within Levenshtein distance d of a string, cut into d + 1
        pieces, has a piece that no edit touched, which is in the string as it
        is, shifted by at most d (`_piece_index`). When the aliases of the
        lengths in reach are few, they are simply all checked.
        """
        m = len(text)
        low, high = max(m - budget, 0), min(m + budget + 1, len(self._up_to) - 1)
        in_reach = self._up_to[high] - self._up_to[low] if high > low else 0
        if in_reach <= _BRUTE_FORCE_BELOW:
            return [a for n in range(low, high) for a in self._by_length.get(n, ())]
        swaps = [text[:i] + text[i + 1] + text[i] + text[i + 2:]
                 for i in range(m - 1) if text[i] != text[i + 1]]
        found: set[str] = set()
        self._lookup([text], budget, found)
        self._lookup(swaps, budget - 1, found)
        if budget >= 2:
            twice = {once[:j] + once[j + 1] + once[j] + once[j + 2:]
                     for i, once in zip((i for i in range(m - 1) if text[i] != text[i + 1]), swaps,
                                        strict=True)
                     for j in range(i + 2, m - 1) if once[j] != once[j + 1]}
            self._lookup(list(twice), 0, found)
        return list(found)

    def _lookup(self, texts: list[str], distance: int, found: set[str]) -> None:
        """Add to found every alias with a piece where one within Levenshtein
        distance of one of texts (all of a length) must have it, and for
        distance 0 the texts that are aliases."""
        if not texts:
            return
        if distance == 0:
            found.update(self.aliases.keys() & texts)
            return
        m = len(texts[0])
        parts = distance + 1
        for n in range(m - distance, m + distance + 1):
            for start, size, table in self._pieces.get((n, parts), ()):
                shifts = range(max(start - distance, 0), min(start + distance, m - size) + 1)
                probes = {t[at : at + size] for t in texts for at in shifts}
                for piece in table.keys() & probes:
                    found.update(table[piece])

    def _loose(self, text: str) -> tuple[str, ...]:
        """Did-you-mean candidates when nothing is within the typo budget."""
        found = process.extract(text, self._all, scorer=fuzz.WRatio, limit=12, score_cutoff=70)
        return tuple(dict.fromkeys(self.aliases[a] for a, _, _ in found))[:MAX_SUGGESTIONS]

    def resolve(self, name: str) -> Resolution:
        """One user-given name (a slash option, an argument) to one entity or suggestions."""
        key = " ".join(tokens(normalize(name)))
        if not key:
            return Resolution(None)
        if key in self.aliases:
            return Resolution(self.aliases[key])
        squashed = key.replace(" ", "")
        near = self._near(key) or (self._near(squashed) if squashed != key else [])
        if near and (len(near) == 1 or near[0][0] < near[1][0]):
            return Resolution(near[0][1])
        if near:
            return Resolution(None, tuple(eid for _, eid in near[:MAX_SUGGESTIONS]))
        return Resolution(None, self._loose(key))

    # --- free text -------------------------------------------------------

    def link(self, text: str) -> Linked:
        """Every entity mentioned in a question, in order of appearance."""
        toks = tokens(normalize(text))
        mentions: list[Mention] = []
        unresolved: list[Unresolved] = []
        free: list[str] = []
        i = 0
        while i < len(toks):
            hit = self._exact_at(toks, i)
            if hit is None:
                hit = self._fuzzy_at(toks, i, unresolved)
            if hit is None:
                free.append(toks[i])
                i += 1
                continue
            mentions.append(hit)
            i = hit.end
        return Linked(toks, tuple(mentions), tuple(unresolved), tuple(free))

    def _exact_at(self, toks: tuple[str, ...], i: int) -> Mention | None:
        for n in range(min(self.max_ngram, len(toks) - i), 0, -1):
            span = " ".join(toks[i : i + n])
            eid = self.aliases.get(span)
            if eid is not None:
                return Mention(eid, span, i + n)
        return None

    def _fuzzy_at(
        self, toks: tuple[str, ...], i: int, unresolved: list[Unresolved]
    ) -> Mention | None:
        """A typo'd name: only for words the fact base and English do not
        already know, so that ordinary words never turn into entities."""
        word = toks[i]
        if is_cjk(word) or word in STOPWORDS or word in self.vocabulary or word.isdigit():
            return None
        for n in (3, 2, 1):  # "kimmi k2 thinking" before "kimmi k2", "hugging fase" before "hugging"
            if i + n > len(toks):
                continue
            span = " ".join(toks[i : i + n])
            if any(is_cjk(t) or t in STOPWORDS for t in toks[i + 1 : i + n]):
                continue
            near = self._near(span)
            if near and (len(near) == 1 or near[0][0] < near[1][0]):
                return Mention(near[0][1], span, i + n)
            if near and n == 1:
                suggestions = tuple(eid for _, eid in near[:MAX_SUGGESTIONS])
                unresolved.append(Unresolved(span, suggestions))
        return None

    # --- autocomplete ----------------------------------------------------

    def complete(self, prefix: str, limit: int = 25) -> list[str]:
        """Entity ids for a partly typed name: prefix matches of any alias first
        (a binary search in the sorted aliases), then typo-tolerant ones."""
        key = " ".join(tokens(normalize(prefix)))
        found: dict[str, None] = {}
        if key:
            start = bisect.bisect_left(self._sorted, key)
            for alias in self._sorted[start:]:
                if not alias.startswith(key) or len(found) >= limit:
                    break
                found.setdefault(self.aliases[alias])
        if len(found) < limit and len(key) >= 3:
            for _, eid in self._near(key):
                found.setdefault(eid)
        return list(found)[:limit]
