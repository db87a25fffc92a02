"""`ask <question>`: the few facts that best answer a question in free text,
each with its citation; "nothing on that" rather than a guess."""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from bot.core.answers import Answer, Kind, Section, usage
from bot.core.linker import STOPWORDS, Linked
from bot.core.search import chinese_words, stem
from bot.shared.formats import human_join, shorten
from bot.shared.normalize import is_cjk

if TYPE_CHECKING:
    from bot.core.engine import Engine

MAX_FACTS = 5


def answer(engine: Engine, question: str) -> Answer:
    if not question.strip():
        return usage("ask", "Ask me something, e.g. `ask what did deepseek release`.")
    kb = engine.kb
    linked = engine.linker.link(question)
    asked = linked.entity_ids
    # Models bring in their maker, at a lower weight ("qwen" -> Alibaba's facts).
    makers = {kb.entities[e].parent for e in asked} - {None, *asked}
    words = [*linked.free, *chinese_words(" ".join(linked.tokens).replace(" ", ""))]
    scores, matched = engine.terms.score(words)
    for weight, group in ((4.0, asked), (1.5, makers)):
        for eid in group:
            for fid in kb.facts_by_entity.get(eid, ()):
                fact = kb.facts[fid]
                scores[fid] = scores.get(fid, 0.0) + weight * (1.5 if fact.subject == eid else 1)
    if not asked:
        # Without an entity, words alone must carry it: most of the question's
        # words must be ones the fact base uses, and a word it has never seen
        # ("dumplings") means the question is about something else, however
        # well "makes" matches.
        content = {stem(w) for w in linked.free if w not in STOPWORDS and not is_cjk(w)}
        if unknown_words(engine, linked) or len(matched) * 2 < len(content):
            scores = {}
    if not scores:
        return _not_found(engine, question, linked)
    # The few best, without sorting every candidate; ties by id, so the same
    # question always gets the same answer.
    top = heapq.nsmallest(MAX_FACTS, scores, key=lambda f: (-scores[f], f))
    ranked = [f for f in top if scores[f] >= scores[top[0]] / 2]
    views = tuple(engine.fact_view(f) for f in ranked)
    found = tuple(dict.fromkeys((*asked, *(kb.facts[f].subject for f in ranked))))
    summary = ""
    if asked:
        summary = "About " + human_join(engine.name(e) for e in asked) + "."
    unknown = [u.text for u in linked.unresolved]
    if unknown:
        summary += f" I didn't recognise “{unknown[0]}”."
    return Answer(Kind.ANSWER, shorten(question, 200), query=question, summary=summary.strip(),
                  sections=(Section("What the sources say",
                                    tuple(engine.fact_line(v) for v in views)),),
                  facts=views, entities=found,
                  suggestions=tuple(engine.name(e) for u in linked.unresolved
                                    for e in u.suggestions),
                  unknown=tuple(unknown), command="ask")


def _not_found(engine: Engine, question: str, linked: Linked) -> Answer:
    suggestions = tuple(engine.name(e) for u in linked.unresolved for e in u.suggestions)
    known = engine.known_names()
    unknown = unknown_words(engine, linked)
    summary = "The fact base has nothing on that, and I won't guess."
    if unknown:
        quoted = [f"“{w}”" for w in unknown[:3]]
        summary = f"The fact base has nothing on {human_join(quoted)}, and I won't guess."
    if suggestions:
        summary += f" Did you mean {human_join(suggestions, 'or')}?"
    summary += f" I can tell you about {human_join(known)}."
    unresolved = [u.text for u in linked.unresolved]
    return Answer(Kind.NOT_FOUND, "Nothing in the fact base on that", query=question,
                  summary=summary, suggestions=suggestions or tuple(known),
                  unknown=tuple(dict.fromkeys([*unresolved, *unknown])), command="ask")


def unknown_words(engine: Engine, linked: Linked) -> list[str]:
    """Words of a question that neither English nor the fact base knows:
    usually the name of something the base does not cover."""
    return [w for w in dict.fromkeys(linked.free)
            if len(w) >= 3 and not w.isdigit() and w not in engine.linker.vocabulary]
