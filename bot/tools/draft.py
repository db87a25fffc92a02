"""Drafting candidate facts from a plain-text article: `python -m bot draft`.

The draft is a starting point, never a fact base entry: every sentence becomes
a candidate that keeps the article's sentence in `evidence` and a placeholder
statement, and is marked `draft: true`, so the loader refuses it until a
maintainer has rewritten it in their own words (`python -m bot accept` checks
that and moves it into the base). Each candidate's guesses (subject, nature,
`by`, `when`) come with `draft_notes` saying how they were made, because a
maintainer can only check a guess whose reasoning is visible.

Reading is done by small modules: text (paragraphs, sentences), dates,
figures, names (new entities); this module links entities, resolves
pronouns and descriptions ("the firm", "the model", "its"), picks the subject
and guesses the nature. Everything here is pure except `write_draft`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core import Engine
from bot.knowledge.schema import _parse_partial_date
from bot.shared.normalize import key
from bot.tools.dates import DateMention, Published, find_dates, when_for
from bot.tools.figures import find_numbers
from bot.tools.names import Proposal, Words, aliases_in, capitalised_names, guess_kind
from bot.tools.text import HEADLINE_MAX, NO_HEADLINE, split_article, split_sentences

__all__ = ["HEADLINE_MAX", "PLACEHOLDER", "DateMention", "DraftError", "Published", "SourceMeta",
           "draft_article", "find_dates", "find_numbers", "make_draft", "split_article",
           "split_sentences", "when_for", "write_draft"]

PLACEHOLDER = "TODO: rewrite in your own words"
TODO = "TODO"
SEED_FILE_RE = re.compile(r"^\d{3}_[a-z0-9][a-z0-9._-]*\.txt$")

# --- mentions ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity named in a sentence, at characters start..end."""

    id: str
    kind: str
    start: int
    end: int
    via: str | None = None
    """the pronoun or description it was resolved from ("the firm"), if any"""
    new: bool = False
    """a proposed new entity, not yet in the base"""


def _token_spans(sentence: str, toks: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where each of the linker's tokens sits in the sentence (approximately:
    folding keeps lengths for the text articles use)."""
    folded = unicodedata.normalize("NFKC", sentence).casefold()
    spans, cursor = [], 0
    for tok in toks:
        at = folded.find(tok, cursor)
        if at < 0:
            spans.append((cursor, cursor))
            continue
        spans.append((at, at + len(tok)))
        cursor = at + len(tok)
    return spans


def known_mentions(engine: Engine, sentence: str) -> list[Mention]:
    linked = engine.linker.link(sentence)
    spans = _token_spans(sentence, linked.tokens)
    out = []
    for m in linked.mentions:
        first = m.end - len(m.text.split())
        if not 0 <= first < m.end <= len(spans):
            continue
        kind = engine.kb.entities[m.entity_id].kind.value
        out.append(Mention(m.entity_id, kind, spans[first][0], spans[m.end - 1][1]))
    return out


# Descriptions and pronouns, with the kinds of entity they stand for, in order
# of preference (() = "it"/"its", resolved by position, see resolve_references).
_COMPANY_KINDS = ("company", "platform", "group", "organisation")
_IT_KINDS = ("company", "platform", "organisation", "group")
_REFERENCES: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"\b[Tt]he (?:[\w-]+ ){0,2}?(?:company|firm|group|start-?up|startup|giant|conglomerate|"
                r"lab|developer|maker|unicorn)(?:[’']s)?\b"), _COMPANY_KINDS),
    (re.compile(r"\b[Tt]he (?:[\w-]+ ){0,2}?model(?:[’']s)?\b(?!s)"), ("model",)),
    (re.compile(r"\b[Tt]he (?:[\w-]+ ){0,1}?chips?\b"), ("chip",)),
    (re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er|[Hh]im)\b"), ("person",)),
    (re.compile(r"该公司|这家公司|该企业|公司"), _COMPANY_KINDS),
    (re.compile(r"该模型|这一模型|这款模型"), ("model",)),
    (re.compile(r"\b(?:[Ii]t|[Ii]ts|[Ii]tself)\b(?!(?:[’']s| is| was| may be| might be| could be| would be|"
                r" will be| remains| seems)? (?:still |not |also |very |too |now |quite )?"
                r"(?:early|unclear|likely|possible|difficult|hard|easy|clear|expected|important|"
                r"worth|time|too|said|reported|understood))|其"), ()),
]
_LATTER_RE = re.compile(r"\b[Tt]he (latter|former)\b")


@dataclass(slots=True)
class Context:
    """What earlier sentences said, for resolving references: the last entity
    of each kind, the last subject, the last sentence's mentions, and the
    surnames of the people named so far ("Li said" after "Robin Li")."""

    last_of_kind: dict[str, str]
    last_subject: str | None = None
    previous: tuple[Mention, ...] = ()
    surnames: dict[str, str] | None = None

    def note(self, mentions: list[Mention], subject: str | None, sentence: str = "") -> None:
        for m in mentions:
            self.last_of_kind[m.kind] = m.id
            if m.kind == "person" and m.via is None and sentence:
                words = sentence[m.start:m.end].split()
                if len(words) >= 2:
                    self.surnames = {**(self.surnames or {}), words[-1]: m.id}
        if subject and subject != TODO:
            self.last_subject = subject
        if mentions:
            self.previous = tuple(mentions)


def resolve_references(sentence: str, named: list[Mention], ctx: Context,
                       kinds: dict[str, str]) -> list[Mention]:
    """Mentions for the sentence's pronouns and descriptions: company words
    ("the firm", "the search group") -> the last company; "the model" -> the
    last model; "he"/"his" and a bare surname -> the last person; "its" -> the
    nearest company named before it in the sentence, else the sentence's first
    entity, else the last subject; "the latter"/"the former" -> the last
    sentence's last/first entity. A span already named is left alone."""
    out: list[Mention] = []
    taken = [(m.start, m.end) for m in named]

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    def add(target: str, m: re.Match[str]) -> None:
        taken.append((m.start(), m.end()))
        out.append(Mention(target, kinds.get(target, ""), m.start(), m.end(), via=m.group(0)))

    for surname, pid in (ctx.surnames or {}).items():
        for m in re.finditer(rf"\b{re.escape(surname)}\b", sentence):
            if free(m.start(), m.end()):
                add(pid, m)
    for pattern, wanted in _REFERENCES:
        for m in pattern.finditer(sentence):
            if not free(m.start(), m.end()):
                continue
            earlier = sorted((n for n in (*named, *out) if n.end <= m.start()), key=lambda n: n.start)
            target: str | None = None
            if wanted:
                here = [n for n in earlier if n.kind in wanted]
                if here and wanted == ("model",):
                    target = here[-1].id
                else:
                    target = next((ctx.last_of_kind[k] for k in wanted if k in ctx.last_of_kind), None)
            else:
                companies = [n for n in earlier if n.kind in _IT_KINDS]
                others = [n for n in earlier if n.kind not in ("person", "country", "market")]
                target = (companies[-1].id if companies and m.group(0).casefold().startswith("its")
                          else others[0].id if others else ctx.last_subject)
            if target is not None:
                add(target, m)
    for m in _LATTER_RE.finditer(sentence):
        distinct = list(dict.fromkeys(p.id for p in ctx.previous))
        if len(distinct) >= 2 and free(m.start(), m.end()):
            add(distinct[-1] if m.group(1) == "latter" else distinct[0], m)
    return out


# --- subject, nature -------------------------------------------------------------

_INTRO_RE = re.compile(r"^[\"“]?(?:During|At|After|Before|In|On|According to|Backed by|Earlier|Later|"
                       r"Unlike|Like|While|Although|Though|Despite|With|As|For|Since|Under|Following|"
                       r"Amid|Over|Meanwhile|However|By|Separately|Last|This|Next)\b[^,]{0,160},\s*")
_VERB_RE = re.compile(
    r"\b(?:said|says|say|claims?|claimed|announced?|launch(?:ed|es)?|releas(?:ed|es)|unveil(?:ed|s)|"
    r"plans?|planned|will|would|could|may|might|can|is|are|was|were|has|have|had|rose|fell|surged|"
    r"jumped|soared|slumped|raised|expects?|expected|aims?|targets?|reported|shows?|showed|beats?|"
    r"outperform\w*|delivered|added|closed|became|becomes|offers?|offered|introduc(?:ed|es)|debuted|"
    r"listed|filed|priced|gained|dropped|doubled|tripled|grew|reached|hit|topped|leads?|led|ranks?|"
    r"ranked|uses?|used|trained|built|open-sourced|made|makes|sold|bought|acquired|invested|signed|"
    r"agreed|warned|told|named|joined|cut|set|took|started|began|supports?|supported|feature[sd]?|"
    r"scored|achieved|matched|rivals|trails|lags|remains|stays|intends?|seeks?|wants?|hopes?|"
    r"predicts?|forecasts?|believes?|thinks?|argues?|suggests?|costs?|charges?|integrat\w+|"
    r"illuminated|completed|won|lost|posted|recorded|crossed|exceeded|surpassed)\b"
    r"|表示|称|宣布|发布|推出|披露|显示|成为|达到|突破|计划|预计")
_ANALYSIS_RE = re.compile(r"\b(?:analysts?|believes?|believed|in (?:our|his|her|their) view|argues?|argued|"
                          r"suggests?|suggested|signals?|appears? to|seems?|underscores?|highlights?|"
                          r"widely seen|critics|observers|experts|opinion|fears?|worries|worried|bubble|"
                          r"enthusiasm|sentiment|commentators|skeptic\w*|sceptic\w*)\b|分析师|认为|看来",
                          re.IGNORECASE)
_FORECAST_RE = re.compile(r"\b(?:expects?|expected to|predicts?|predicted|forecasts?|forecast to|projected|"
                          r"will probably|will likely|likely|probably|could|might|may|is poised to|"
                          r"are poised to)\b|预计|预测|有望|可能", re.IGNORECASE)
_PLAN_RE = re.compile(r"\b(?:plans? to|planned to|planning to|plans? for|aims? to|aimed to|aiming to|"
                      r"targets?|targeting|intends? to|is set to|are set to|is preparing|are preparing|will|"
                      r"is going to|seeks? to|wants? to|hopes? to|pledged|vowed|committed to|goal)\b"
                      r"|计划|目标|拟|打算|将", re.IGNORECASE)
_CLAIM_RE = re.compile(r"\b(?:says?|said|claims?|claimed|according to|stated|told|insisted|boasted|touted|"
                       r"declared|asserted)\b|表示|称|宣称|介绍", re.IGNORECASE)
_SPEECH_BEFORE_RE = re.compile(r"^\s*(?:[’']s? |,? (?:also |has |had |then )?)?(?:said|says|claims?|claimed|"
                               r"stated|told|insisted|announced|believes?|argued|added|noted|expects?|"
                               r"predicts?|表示|称|宣布)")
_SPEECH_AFTER_RE = re.compile(r"(?:according to|said|says|told)\s+(?:[\w’'-]+\s+){0,3}?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reading:
    subject: str
    entities: list[str]
    verb_at: int | None
    nature: str
    by: str | None
    notes: list[str]


_POSSESSIVE_GAP = re.compile(r"[’']s?\s+(?:[\w-]+\s+){0,3}")


def _clause_start(sentence: str) -> int:
    m = _INTRO_RE.match(sentence)
    return m.end() if m else 0


def choose_subject(sentence: str, mentions: list[Mention]) -> tuple[Mention | None, int | None, str]:
    """(subject, where the main verb is, why). The first entity of the main
    clause before its verb (skipping an opening "During ..., "); in "A's B" the
    head B; a model over its maker in the subject ("Baidu's ERNIE X1 beats");
    a country or market only when nothing else is named there."""
    start = _clause_start(sentence)
    verb = next((v for v in _VERB_RE.finditer(sentence, start)
                 if not any(m.start <= v.start() < m.end for m in mentions)), None)
    verb_at = verb.start() if verb else None
    ordered = sorted(mentions, key=lambda m: m.start)
    pool = [m for m in ordered if m.start >= start and (verb_at is None or m.end <= verb_at)]
    why = "the first entity before the main verb"
    before_verb = bool(pool) and verb_at is not None
    if not pool:
        pool = [m for m in ordered if m.start >= start] or ordered
        why = "no entity before the main verb: the first one named"
    if not pool:
        return None, verb_at, ""
    k = 0
    while k + 1 < len(pool) and _POSSESSIVE_GAP.fullmatch(sentence[pool[k].end:pool[k + 1].start]):
        k += 1
    chosen = pool[k]
    if k:
        why = f"the head of “{sentence[pool[0].start:chosen.end]}”"
    if chosen.kind == "company" and before_verb:
        model = next((m for m in pool[k + 1:] if m.kind == "model"), None)
        if model is not None:
            chosen, why = model, "a model named before the verb: the sentence is about the model"
    if chosen.kind in ("country", "market", "group"):
        other = next((m for m in pool if m.kind not in ("country", "market", "group")), None)
        if other is not None:
            chosen, why = other, "the first entity that is not a country, market or group"
    if chosen.via:
        why += f" (“{chosen.via}” read as {chosen.id})"
    return chosen, verb_at, why


def _speaker(sentence: str, mentions: list[Mention]) -> Mention | None:
    """Who says it: "X said", "said X", "according to X"."""
    for m in sorted(mentions, key=lambda m: m.start):
        if _SPEECH_BEFORE_RE.match(sentence[m.end:m.end + 40]):
            return m
        if _SPEECH_AFTER_RE.search(sentence[max(m.start - 40, 0):m.start]):
            return m
    return None


def guess_nature(sentence: str, subject: str | None = None,
                 speaker: str | None = None) -> tuple[str, str | None, str]:
    """(nature, by, why): a first guess from the verbs that the maintainer
    confirms. Opinion words make analysis; expects/predicts/probably a
    forecast; plans to/will/aims a plan by the speaker or subject; says/claims/
    according to a claim by the speaker; otherwise reported."""
    who = speaker or (subject if subject and subject != TODO else None)
    if _ANALYSIS_RE.search(sentence):
        return "analysis", speaker, "opinion words (analyst, believes, suggests ...)"
    if _FORECAST_RE.search(sentence):
        return "forecast", speaker, "a prediction (expects, likely, could ...)"
    if _PLAN_RE.search(sentence):
        return "plan", who or TODO, "an intention (plans to, will, aims, targets ...)"
    if _CLAIM_RE.search(sentence):
        return "claim", who or TODO, "a party's own word (says, claims, according to ...)"
    return "reported", None, "no claim, plan, forecast or opinion words"


_CATEGORY_CUES = (
    ("outlook", r"\b(?:will|expects?|expected|forecasts?|predicts?|likely|could)\b|预计|将"),
    ("release", r"\b(?:releas\w*|launch\w*|unveil\w*|upgrad\w*|introduc\w*|rolled out|debut\w*)\b|发布|推出"),
    ("market", r"\b(?:shares?|stock|revenue|investors?|market|valuation|funding|sales|users|IPO|listing)\b"
               r"|市场|营收|份额|调用量"),
    ("strategy", r"\b(?:plans?|strategy|integrat\w*|invest\w*|partner\w*|reorgani[sz]\w*|aims?)\b|战略|计划"),
    ("competition", r"\b(?:rivals?|compet\w*|race|catch up|ahead of|behind)\b|竞争"),
    ("capability", r"\b(?:benchmark\w*|reasoning|coding|performance|outperform\w*|capabilit\w*|"
                   r"parameters|tokens)\b|性能|能力"),
)


def guess_category(sentence: str) -> str:
    """A first guess only, from cue words; the maintainer checks it."""
    return next((c for c, cue in _CATEGORY_CUES if re.search(cue, sentence, re.IGNORECASE)),
                "context")


# --- the draft -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceMeta:
    id: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    seed_file: str | None = None


def _proposals(engine: Engine, sentences: list[tuple[int, str]], text: str) -> dict[str, Proposal]:
    """Every capitalised name the base does not know, by proposed id. A name
    the base knows only in part ("ERNIE 4.5 Turbo" beside "ERNIE 4.5") is
    proposed; one that only adds a company suffix ("MiniMax Group Inc") is not."""
    words = Words.of([s for _, s in sentences])
    known = engine.linker.vocabulary
    found: dict[str, Proposal] = {}
    for n, sentence in sentences:
        for name in capitalised_names(sentence, known, words):
            if key(name.text) in engine.kb.alias_index:
                continue
            linked = engine.linker.link(name.text)
            if linked.mentions and not linked.free:
                continue
            if linked.mentions and all(re.fullmatch(r"(?i)group|inc|ltd|co|corp|holdings?|limited|"
                                                    r"technology|technologies|[\d.]+|jsc", w)
                                       for w in linked.free):
                continue
            kind, why = guess_kind(name.text, sentence)
            p = found.get(Proposal(name.text, kind, why).id)
            if p is None:
                chinese, aliases = aliases_in(name.text, text)
                p = found[Proposal(name.text, kind, why).id] = Proposal(
                    name.text, kind, why, chinese, aliases)
            if len(p.seen) < 3:
                p.seen.append({"paragraph": n, "sentence": sentence})
    return found


def _proposal_mentions(sentence: str, proposals: dict[str, Proposal], known: list[Mention],
                       engine: Engine, words: Words) -> list[Mention]:
    out = []
    for name in capitalised_names(sentence, engine.linker.vocabulary, words):
        p = proposals.get(Proposal(name.text, "", "").id)
        if p is None:
            continue
        known[:] = [m for m in known if not (name.start <= m.start and m.end <= name.end)]
        out.append(Mention(p.id, p.kind, name.start, name.end, new=True))
    return out


def draft_article(engine: Engine, text: str, meta: SourceMeta) -> dict[str, Any]:
    """The draft document: the source, one candidate fact per sentence, and
    the proposed new entities."""
    headline, paragraphs = split_article(text)
    published = Published.parse(meta.published) if meta.published else None
    sentences = [(n, s) for n, para in enumerate(paragraphs, start=1) for s in split_sentences(para)]
    words = Words.of([s for _, s in sentences])
    proposals = _proposals(engine, sentences, text)
    kinds = {eid: e.kind.value for eid, e in engine.kb.entities.items()}
    kinds.update({p.id: p.kind for p in proposals.values()})
    source: dict[str, Any] = {
        "id": meta.id,
        # the headline is the article's words: the title is the maintainer's own label
        "title": meta.title or "TODO: a short label of your own, not the headline",
        "outlet": meta.outlet or "TODO: outlet",
        "published": meta.published or "TODO: YYYY-MM-DD",
    }
    if meta.url:
        source["url"] = meta.url
    source["record"] = f"seeds/{meta.id}.md"
    if meta.seed_file:
        source["seed_file"] = meta.seed_file
    source["paragraphs"] = max(len(paragraphs), 1)
    ctx = Context({})
    if headline and headline != NO_HEADLINE:  # "the company" in ¶1 is the headline's company
        ctx.note(known_mentions(engine, headline), None, headline)
    facts: list[dict[str, Any]] = []
    counts: dict[int, int] = {}
    last_paragraph = 0
    for n, sentence in sentences:
        named = known_mentions(engine, sentence)
        named += _proposal_mentions(sentence, proposals, named, engine, words)
        refs = resolve_references(sentence, named, ctx, kinds)
        mentions = sorted(named + refs, key=lambda m: m.start)
        chosen, verb_at, why = choose_subject(sentence, mentions)
        notes: list[str] = []
        if chosen is not None:
            subject = chosen.id
            notes.append(f"subject: {why}")
        elif ctx.last_subject:
            subject = ctx.last_subject
            notes.append("subject: no entity named; a guess: the last subject"
                         + ("" if n == last_paragraph else ", from an earlier paragraph"))
        else:
            subject = TODO
            notes.append("subject: no entity named: give one, or delete this candidate")
        for m in refs:
            notes.append(f"“{m.via}” read as {m.id}")
        new_ids = sorted({m.id for m in mentions if m.new})
        if new_ids:
            notes.append("proposed new entities (see new_entities): " + ", ".join(new_ids))
        speaker = _speaker(sentence, mentions)
        if (speaker is not None and subject != speaker.id and re.search(r"[\u4e00-\u9fff]", sentence)
                and _SPEECH_BEFORE_RE.match(sentence[speaker.end:speaker.end + 40])):
            subject = speaker.id  # "……”在接受采访时，火山引擎CEO谭待表示。": the speaker's claim
            notes[0] = "subject: the speaker (X表示, X称)"
        nature, by, nature_why = guess_nature(sentence, subject,
                                              speaker.id if speaker else None)
        notes.append(f"nature: {nature_why}" + (f"; by {by}" if by else ""))
        dates = find_dates(sentence, published)
        skip = [(d.start, d.end) for d in dates] + [(m.start, m.end) for m in mentions if m.via is None]
        counts[n] = counts.get(n, 0) + 1
        fact: dict[str, Any] = {
            "id": f"draft.{meta.id}.p{n}-{counts[n]}",
            "draft": True,
            "subject": subject,
            "entities": list(dict.fromkeys(m.id for m in mentions if m.id != subject)),
            "category": "outlook" if nature == "forecast" else guess_category(sentence),
            "nature": nature,
        }
        if by is not None:
            fact["by"] = by
        fact.update({
            "statement": PLACEHOLDER,
            "evidence": sentence,
            "when": when_for(dates, verb_at),
            "cite": {"source": meta.id, "paragraph": n},
            "numbers": find_numbers(sentence, skip),
            "draft_notes": notes,
        })
        facts.append(fact)
        ctx.note(mentions, subject if chosen is not None else None, sentence)
        last_paragraph = n
    return {
        "sources": [source],
        "facts": facts,
        "new_entities": [p.entry() for p in proposals.values()],
    }


HEADER = """\
# Draft made by `python -m bot draft` from {article}. NOT part of the fact base.
# For each fact you keep: rewrite `statement` in your own words (never copy
# `evidence`), check subject/entities/category/nature/by/when (`draft_notes` say
# how each was guessed), give it an id starting with "{source_id}.", then delete
# `draft`, `evidence` and `numbers`. Delete the candidates you don't keep.
# In `new_entities` keep the entities you want, with a real description; delete
# the rest. Then: python -m bot accept THIS-FILE, and !reload.
"""


class DraftError(Exception):
    """Why a draft was not written; the CLI prints it and exits 1."""


def write_draft(draft: dict[str, Any], out: Path, knowledge_dir: Path, article: str = "an article") -> Path:
    """Write the draft to `out`, refusing a path inside the knowledge directory
    (a draft there would be loaded) and never replacing an existing file."""
    if out.resolve().is_relative_to(knowledge_dir.resolve()):
        raise DraftError(f"{out} is inside the knowledge directory {knowledge_dir}: drafts go "
                         "elsewhere (default drafts/) until they are edited")
    source_id = draft["sources"][0]["id"] if draft.get("sources") else "SOURCE-ID"
    text = HEADER.format(article=article, source_id=source_id) + yaml.safe_dump(
        draft, allow_unicode=True, sort_keys=False, width=100)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise DraftError(f"{out} already exists: not overwriting it (move it away or use --out)") from None
    except OSError as exc:
        raise DraftError(f"cannot write {out}: {exc.strerror}") from None
    return out


def make_draft(engine: Engine, article: Path, meta: SourceMeta, out: Path | None,
               knowledge_dir: Path) -> tuple[Path, dict[str, Any]]:
    """Everything `python -m bot draft` does: check the inputs, draft, write.
    The article's path is recorded in the draft so `accept` can check that no
    statement copies it. Raises DraftError with a message for the maintainer."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", meta.id):
        raise DraftError(f"source id {meta.id!r} must be lowercase letters, digits, '.', '_' or '-'")
    if meta.published is not None:
        try:
            _parse_partial_date(meta.published)
        except ValueError as exc:
            raise DraftError(f"--date: {exc}") from None
    try:
        text = article.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DraftError(f"cannot read {article}: {getattr(exc, 'strerror', None) or exc}") from None
    if meta.seed_file is None and SEED_FILE_RE.match(article.name):
        meta = SourceMeta(meta.id, meta.title, meta.outlet, meta.published, meta.url, article.name)
    draft = {"article": str(article.resolve()), **draft_article(engine, text, meta)}
    out = out if out is not None else Path("drafts") / f"{meta.id}.yaml"
    return write_draft(draft, out, knowledge_dir, article=article.name), draft
