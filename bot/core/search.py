"""Word-level retrieval over fact statements: the "what is this question about"
half of `ask`, the other half being the entities the linker finds."""

from __future__ import annotations

import math
import re
from collections import defaultdict

from bot.knowledge import KnowledgeBase
from bot.text import is_cjk, normalize, tokens

_SUFFIXES = (("ies", "y"), ("ing", ""), ("ers", "er"), ("ed", ""), ("es", ""), ("s", ""), ("e", ""))
_DIGITS = re.compile(r"^\d+$")


def stem(word: str) -> str:
    """Light stemming so that investors/investor and released/release meet;
    deliberately crude: it only has to map a question's word and a fact's word
    to the same key, not produce a real root."""
    if len(word) <= 3 or _DIGITS.match(word):
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


def terms(text: str, stopwords: frozenset[str]) -> set[str]:
    return {stem(t) for t in tokens(normalize(text)) if t not in stopwords and not is_cjk(t)}


class TermIndex:
    """Inverted index from stemmed word to fact ids, with IDF weights; words in
    more than a fifth of all facts say nothing about a question and are dropped."""

    def __init__(self, kb: KnowledgeBase, stopwords: frozenset[str]) -> None:
        self.stopwords = stopwords
        postings: dict[str, list[str]] = defaultdict(list)
        for fact in kb.facts.values():
            text = " ".join((fact.statement, fact.category, *fact.keywords))
            for term in terms(text, stopwords):
                postings[term].append(fact.id)
        total = max(len(kb.facts), 1)
        limit = max(total // 5, 25)
        self.postings = {t: tuple(ids) for t, ids in postings.items() if len(ids) <= limit}
        self.idf = {t: math.log(1 + total / len(ids)) for t, ids in self.postings.items()}

    def score(self, words: list[str]) -> tuple[dict[str, float], set[str]]:
        """(fact id -> summed IDF of the question's words it contains, words matched)."""
        scores: dict[str, float] = defaultdict(float)
        matched = set()
        for term in {stem(w) for w in words if w not in self.stopwords and not is_cjk(w)}:
            ids = self.postings.get(term)
            if not ids:
                continue
            matched.add(term)
            weight = self.idf[term]
            for fid in ids:
                scores[fid] += weight
        return scores, matched
