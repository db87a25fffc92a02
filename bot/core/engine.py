"""The answer engine: one immutable object per fact-base version.

Every method is synchronous, deterministic and returns an Answer; building the
engine (indexes included) is the expensive part and happens once per load, off
the event loop, so a reload swaps one reference.
"""

from __future__ import annotations

import heapq
import unicodedata
from collections.abc import Iterable
from functools import cached_property
from itertools import combinations

from bot.core.answers import Answer, Cell, Cite, FactView, Kind, Row, Section
from bot.core.linker import STOPWORDS, Linked, Linker, Resolution
from bot.core.search import TermIndex, chinese_words, stem
from bot.knowledge import KnowledgeBase
from bot.knowledge.schema import ATTRIBUTE_LABELS, Entity, EntityKind, Fact, When
from bot.shared.normalize import is_cjk, key, normalize, tokens

MAX_ASK_FACTS = 5
MAX_ABOUT_FACTS = 8
MAX_TIMELINE = 120
MIN_COMPARE, MAX_COMPARE = 2, 4
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

_RELATION_PHRASES = {
    "rival": "{a} competes with {b}",
    "published_on": "{a} publishes on {b}",
    "peer": "{a} and {b} are peers",
    "part_of": "{a} is one of {b}",
}


def date_label(date: str) -> str:
    """2025-03-24 -> 24 Mar 2025; 2025-03 -> Mar 2025: never more precise than known."""
    parts = date.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


class Engine:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.terms = TermIndex(kb, STOPWORDS)
        # The words of statements and keywords come from the index, which has
        # tokenised them already (and keeps them across reloads).
        vocabulary = set(STOPWORDS) | self.terms.words
        for text in self._vocabulary_texts():
            vocabulary.update(tokens(normalize(text)))
        self.linker = Linker(kb, frozenset(vocabulary))
        self._weight = {eid: len(ids) for eid, ids in kb.facts_by_entity.items()}
        # Most-cited first, sorted once here rather than on every "nothing found".
        self._ranked = sorted(self._weight, key=lambda e: (-self._weight[e], e))

    def _vocabulary_texts(self) -> Iterable[str]:
        """Words the fact base itself uses are never typos of an entity name
        (those of the facts are `self.terms.words`)."""
        for entity in self.kb.entities.values():
            yield entity.description

    # --- shared helpers -----------------------------------------------------

    def name(self, entity_id: str) -> str:
        return self.kb.entities[entity_id].name

    def view(self, fact_id: str) -> FactView:
        fact = self.kb.facts[fact_id]
        source = self.kb.sources[fact.cite.source]
        cite = Cite(source.id, source.title, source.outlet, date_label(source.published),
                    source.date_inferred, fact.cite.paragraph)
        return FactView(fact.id, fact.statement, fact.subject, fact.category.value,
                        fact.nature.value, self.when_label(fact.when, source.published), cite)

    def when_label(self, when: When, published: str) -> str:
        about = "about " if when.inferred else ""
        if when.date:
            return about + date_label(when.date)
        if when.start or when.end:
            start = date_label(when.start) if when.start else "?"
            end = date_label(when.end) if when.end else "now"
            return f"{about}{start} – {end}"
        return f"as of the article ({date_label(published)})"

    def _sort_key(self, fact: Fact) -> str:
        when = fact.when
        return when.date or when.start or when.end or self.kb.sources[fact.cite.source].published

    def fact_line(self, view: FactView) -> str:
        return f"{view.label} ({view.when}; {view.cite.short})"

    def entity_label(self, entity: Entity) -> str:
        return f"{entity.name} ({entity.chinese_name})" if entity.chinese_name else entity.name

    def did_you_mean(self, name: str, resolution: Resolution, command: str) -> Answer:
        names = tuple(self.name(e) for e in resolution.suggestions)
        name = _quote(name)
        if names:
            summary = f"I don't know “{name}”. Did you mean {_or(names)}?"
        else:
            summary = (f"I don't know “{name}”. I know about {_and(self.known_names())}; "
                       "`entities` lists everything.")
        return Answer(Kind.NOT_FOUND, f"Unknown name: {name}", summary=summary,
                      suggestions=names, unknown=(key(name),), command=command)

    def known_names(self, limit: int = 6) -> list[str]:
        """The entities with the most facts: what to offer when nothing matched."""
        return [self.name(e) for e in self._ranked[:limit]]

    # --- commands -----------------------------------------------------------

    def about(self, name: str) -> Answer:
        if not name.strip():
            return usage("about", "Tell me which entity, e.g. `about deepseek`.")
        resolution = self.linker.resolve(name)
        if resolution.entity_id is None:
            return self.did_you_mean(name, resolution, "about")
        e = self.kb.entities[resolution.entity_id]
        fact_ids = self.kb.facts_by_entity.get(e.id, ())
        ordered = sorted(fact_ids, key=lambda f: (self.kb.facts[f].subject != e.id,
                                                   self.kb.facts[f].nature != "reported",
                                                   self._sort_key(self.kb.facts[f]), f))
        views = [self.view(f) for f in ordered[:MAX_ABOUT_FACTS]]
        glance = [f"Kind: {e.kind.value}"]
        if e.chinese_name:
            glance.append(f"Chinese name: {e.chinese_name}")
        if e.parent:
            glance.append(f"Made by: {self.name(e.parent)}")
        children = self.kb.children.get(e.id, ())
        if children:
            glance.append("Makes: " + ", ".join(self.name(c) for c in children))
        related = [_RELATION_PHRASES[r.type].format(a=e.name, b=self.name(r.target))
                   for r in e.relations]
        more = len(fact_ids) - len(views)
        key_facts = [self.fact_line(v) for v in views]
        if more > 0:
            key_facts.append(f"…and {more} more: try `ask {e.name} <topic>` or `timeline {e.name}`")
        sections = [Section("At a glance", tuple(glance)), Section("Key facts", tuple(key_facts))]
        if related:
            sections.append(Section("Related", tuple(related)))
        return Answer(Kind.ENTITY, self.entity_label(e), query=name, summary=e.description,
                      sections=tuple(sections), facts=tuple(views), entities=(e.id,),
                      command="about")

    def compare(self, names: list[str]) -> Answer:
        names = [n for n in names if n.strip()]
        if len(names) < MIN_COMPARE:
            return usage("compare", "Give two to four names, e.g. `compare deepseek qwen`.")
        if len(names) > MAX_COMPARE:
            return usage("compare", f"I can compare at most {MAX_COMPARE} at once; "
                                    f"you gave {len(names)}.")
        ids = []
        for name in names:
            resolution = self.linker.resolve(name)
            if resolution.entity_id is None:
                return self.did_you_mean(name, resolution, "compare")
            ids.append(resolution.entity_id)
        return self._compare(ids, query=" ".join(names))

    def compare_text(self, text: str) -> Answer:
        """The prefix form: names in free text, `compare hugging face deepseek`."""
        linked = self.linker.link(text)
        if linked.unresolved:
            first = linked.unresolved[0]
            return self.did_you_mean(first.text, Resolution(None, first.suggestions), "compare")
        ids = list(linked.entity_ids)
        leftovers = [w for w in linked.free if w not in STOPWORDS and w not in "，、和与跟对比较"]
        if leftovers and len(ids) < MIN_COMPARE:
            word = " ".join(leftovers)
            return self.did_you_mean(word, self.linker.resolve(word), "compare")
        if len(linked.mentions) > len(ids) and len(ids) < MIN_COMPARE:
            return usage("compare", f"That names {self.name(ids[0])} twice: "
                                    "compare it with something else.")
        if len(ids) < MIN_COMPARE:
            return usage("compare", "Give two to four names, e.g. `compare deepseek qwen`.")
        if len(ids) > MAX_COMPARE:
            return usage("compare", f"I can compare at most {MAX_COMPARE} at once; "
                                    f"you named {len(ids)}.")
        return self._compare(ids, query=text)

    def _compare(self, ids: list[str], query: str) -> Answer:
        if len(set(ids)) < len(ids):
            dup = next(e for e in ids if ids.count(e) > 1)
            return usage("compare", f"That names {self.name(dup)} twice: "
                                    "compare it with something else.")
        entities = [self.kb.entities[e] for e in ids]
        rows: list[Row] = []
        cited: dict[str, None] = {}
        for attribute, label in ATTRIBUTE_LABELS.items():
            cells = []
            for e in entities:
                attr = e.attributes.get(attribute)
                if attr:
                    cells.append(Cell(attr.value, tuple(attr.facts)))
                    cited.update(dict.fromkeys(attr.facts))
                elif attribute == "type":
                    cells.append(Cell(f"{e.kind.value}: {e.description}"))
                else:
                    cells.append(Cell("not covered by the sources"))
            if any(c.facts for c in cells) or attribute == "type":
                rows.append(Row(label, tuple(cells)))
        links = self._links(entities)
        for _, facts in links:
            cited.update(dict.fromkeys(facts))
        sections = (Section("How they relate", tuple(t for t, _ in links)
                            or ("The sources draw no direct link between them.",)),)
        return Answer(Kind.COMPARISON, " vs ".join(e.name for e in entities), query=query,
                      columns=tuple(self.entity_label(e) for e in entities), rows=tuple(rows),
                      sections=sections, facts=tuple(self.view(f) for f in cited),
                      entities=tuple(ids), command="compare")

    def _links(self, entities: list[Entity]) -> list[tuple[str, tuple[str, ...]]]:
        """Every stated relation between two of the compared entities, or
        through one's maker (Qwen's maker Alibaba is DeepSeek's peer)."""
        links: dict[str, tuple[str, ...]] = {}
        symmetric = {"peer", "rival"}
        for a, b in combinations(entities, 2):
            for x, y in ((a, b), (b, a)):
                if x.parent == y.id:
                    links.setdefault(f"{x.name} is made by {y.name}", ())
                for r in x.relations:
                    pair = {x.id, r.target}
                    if r.target == y.id:
                        text = _RELATION_PHRASES[r.type].format(a=x.name, b=y.name)
                    elif r.target == y.parent and r.target != x.id:
                        maker = self.name(y.parent)
                        text = _RELATION_PHRASES[r.type].format(a=x.name, b=maker)
                        text += f" ({y.name}'s maker)"
                    else:
                        continue
                    seen = r.type in symmetric and any(
                        r.type == o.type and {t.id, o.target} == pair
                        for t in entities for o in t.relations if t.id != x.id)
                    if not (seen and x is b):
                        links.setdefault(text, tuple(r.facts))
            if a.parent and a.parent == b.parent:
                links.setdefault(f"{a.name} and {b.name} share a maker, {self.name(a.parent)}", ())
        return list(links.items())

    def ask(self, question: str) -> Answer:
        if not question.strip():
            return usage("ask", "Ask me something, e.g. `ask what did deepseek release`.")
        linked = self.linker.link(question)
        asked = linked.entity_ids
        # Models bring in their maker, at a lower weight ("qwen" -> Alibaba's facts).
        makers = {self.kb.entities[e].parent for e in asked} - {None, *asked}
        words = [*linked.free, *chinese_words(" ".join(linked.tokens).replace(" ", ""))]
        scores, matched = self.terms.score(words)
        for weight, group in ((4.0, asked), (1.5, makers)):
            for eid in group:
                for fid in self.kb.facts_by_entity.get(eid, ()):
                    fact = self.kb.facts[fid]
                    scores[fid] = scores.get(fid, 0.0) + weight * (1.5 if fact.subject == eid else 1)
        if not asked:
            # Without an entity, words alone must carry it: most of the
            # question's words must be ones the fact base uses, and a word it
            # has never seen ("dumplings") means the question is about
            # something else, however well "makes" matches.
            content = {stem(w) for w in linked.free if w not in STOPWORDS and not is_cjk(w)}
            if self.unknown_words(linked) or len(matched) * 2 < len(content):
                scores = {}
        if not scores:
            return self._not_found(question, linked)
        # The few best, without sorting every candidate; ties by id, so the
        # same question always gets the same answer.
        top = heapq.nsmallest(MAX_ASK_FACTS, scores, key=lambda f: (-scores[f], f))
        ranked = [f for f in top if scores[f] >= scores[top[0]] / 2]
        views = tuple(self.view(f) for f in ranked)
        found = tuple(dict.fromkeys((*asked, *(self.kb.facts[f].subject for f in ranked))))
        lines = tuple(self.fact_line(v) for v in views)
        summary = ""
        if asked:
            summary = "About " + ", ".join(self.name(e) for e in asked) + "."
        unknown = [u.text for u in linked.unresolved]
        if unknown:
            summary += f" I didn't recognise “{unknown[0]}”."
        return Answer(Kind.ANSWER, _shorten(question, 200), query=question,
                      summary=summary.strip(), sections=(Section("What the sources say", lines),),
                      facts=views, entities=found,
                      suggestions=tuple(self.name(e) for u in linked.unresolved
                                        for e in u.suggestions),
                      unknown=tuple(unknown), command="ask")

    def _not_found(self, question: str, linked: Linked) -> Answer:
        suggestions = tuple(self.name(e) for u in linked.unresolved for e in u.suggestions)
        known = self.known_names()
        unknown = self.unknown_words(linked)
        summary = "The fact base has nothing on that, and I won't guess."
        if unknown:
            quoted = [f"“{w}”" for w in unknown[:3]]
            summary = f"The fact base has nothing on {_and(quoted)}, and I won't guess."
        if suggestions:
            summary += f" Did you mean {_or(suggestions)}?"
        summary += f" I can tell you about {_and(known)}."
        unresolved = [u.text for u in linked.unresolved]
        return Answer(Kind.NOT_FOUND, "Nothing in the fact base on that", query=question,
                      summary=summary, suggestions=suggestions or tuple(known),
                      unknown=tuple(dict.fromkeys([*unresolved, *unknown])), command="ask")

    def unknown_words(self, linked: Linked) -> list[str]:
        """Words of a question that neither English nor the fact base knows:
        usually the name of something the base does not cover."""
        return [w for w in dict.fromkeys(linked.free)
                if len(w) >= 3 and not w.isdigit() and w not in self.linker.vocabulary]

    def _chronology(self, fact_ids: Iterable[str]) -> list[str]:
        """The dated ones of these facts, in date order (ties by id)."""
        return sorted((f for f in fact_ids if not self.kb.facts[f].when.as_of_source),
                      key=lambda f: (self._sort_key(self.kb.facts[f]), f))

    @cached_property
    def _everything_in_order(self) -> list[str]:
        """The whole base's chronology: sorted once per fact-base version."""
        return self._chronology(self.kb.facts)

    def _scope(self, name: str, command: str) -> tuple[str | None, Answer | None]:
        """An optional entity argument: (id, None); (None, None) when absent; or
        (None, did-you-mean) when it names nothing we know."""
        if not name.strip():
            return None, None
        resolution = self.linker.resolve(name)
        if resolution.entity_id is None:
            return None, self.did_you_mean(name, resolution, command)
        return resolution.entity_id, None

    def timeline(self, name: str = "") -> Answer:
        entity_id, refusal = self._scope(name, "timeline")
        if refusal:
            return refusal
        pool = self.kb.facts_by_entity.get(entity_id, ()) if entity_id else self.kb.facts
        dated = self._chronology(pool) if entity_id else self._everything_in_order
        shown = dated[-MAX_TIMELINE:]  # the most recent, still in date order
        views = tuple(self.view(f) for f in shown)
        title = f"Timeline: {self.name(entity_id)}" if entity_id else "Timeline"
        undated = len(pool) - len(dated)
        summary = (f"{len(dated)} dated facts; {undated} more describe things as of their "
                   "sources (see `about` or `ask`).")
        if len(shown) < len(dated):
            summary += f" Showing the {len(shown)} most recent: name an entity to narrow it."
        if not dated:
            summary = "No dated facts" + (f" about {self.name(entity_id)}" if entity_id else "") + "."
        lines = tuple(f"{v.when}: {v.label} ({v.cite.short})" for v in views)
        return Answer(Kind.TIMELINE, title, query=name, summary=summary,
                      sections=(Section("In order", lines),) if lines else (),
                      facts=views, entities=(entity_id,) if entity_id else (),
                      command="timeline")

    def sources(self, name: str = "") -> Answer:
        entity_id, refusal = self._scope(name, "sources")
        if refusal:
            return refusal
        about = set(self.kb.facts_by_entity.get(entity_id, ())) if entity_id else None
        sections = []
        for source in self.kb.sources.values():
            ids = [f for f in self.kb.facts_by_source.get(source.id, ())
                   if about is None or f in about]
            if not ids:
                continue
            inferred = " (date inferred)" if source.date_inferred else ""
            head = [f"{source.outlet}, {date_label(source.published)}{inferred}",
                    f"Record: {source.record}"]
            if source.url:
                head.append(source.url)
            cited = [f"¶{self.kb.facts[f].cite.paragraph} {f}" for f in ids]
            sections.append(Section(f"“{source.title}”", (*head, f"{len(ids)} facts cite it:",
                                                          *cited)))
        title = f"Sources on {self.name(entity_id)}" if entity_id else "Sources"
        return Answer(Kind.SOURCES, title, query=name, summary=f"{len(sections)} source(s).",
                      sections=tuple(sections), entities=(entity_id,) if entity_id else (),
                      command="sources")

    def entities(self, kind: str = "") -> Answer:
        kinds = [k.value for k in EntityKind]
        wanted = next((k for k in kinds if stem(k) == stem(normalize(kind))), None)
        if kind.strip() and wanted is None:
            return usage("entities", f"I don't know the kind “{_quote(kind)}”. "
                                     f"Kinds: {', '.join(kinds)}.")
        groups: dict[str, list[str]] = {}
        for e in sorted(self.kb.entities.values(), key=lambda e: (e.kind.value, e.name.casefold())):
            if not wanted or e.kind.value == wanted:
                groups.setdefault(e.kind.value, []).append(self.entity_label(e))
        sections = tuple(Section(k.capitalize(), tuple(v)) for k, v in groups.items())
        count = sum(len(v) for v in groups.values())
        return Answer(Kind.ENTITIES, "What I know about", query=kind,
                      summary=f"{count} entities from {len(self.kb.sources)} source(s).",
                      sections=sections, command="entities")

    def complete(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """(label, entity id) pairs for autocomplete; most-cited first when empty."""
        ids = (self.linker.complete(prefix, limit) if prefix.strip()
               else sorted(self._weight, key=lambda e: (-self._weight[e], e))[:limit])
        return [(self.entity_label(self.kb.entities[e]), e) for e in ids]


def usage(command: str, message: str) -> Answer:
    return Answer(Kind.USAGE_ERROR, f"How to use {command}", summary=message, command=command)


def _quote(text: str, width: int = 80) -> str:
    """What the user typed, quoted back in a reply: letters, digits, marks and a few
    harmless signs only, shortened, so nothing typed can format, ping or reorder the
    text around it (a code fence, "@everyone", a right-to-left override)."""
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" or c in "-.'’&+/" else " " for c in text)
    return _shorten(kept, width) or "that"


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def _or(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _and(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
