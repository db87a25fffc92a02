"""Reading a knowledge directory into a KnowledgeBase, reporting every problem.

Parsing is the slow part of a large base, so it uses yaml-rs (a Rust parser,
about 20x PyYAML's C loader) and a Loader remembers each file's parsed content
by its stat signature: a reload re-reads only the files that changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml_rs
from pydantic import TypeAdapter, ValidationError
from rapidfuzz import fuzz, process

from bot.knowledge.base import KnowledgeBase, KnowledgeError, Location, Problem
from bot.knowledge.schema import (
    NEEDS_CLAIMANT,
    Citation,
    Entity,
    Fact,
    KnowledgeFile,
    Nature,
    Source,
    When,
)
from bot.shared.collector import collector_paused
from bot.shared.formats import copied_run
from bot.shared.normalize import tokens_uncached

SECTIONS = ("sources", "entities", "facts")
# Line starts are found as "\n" in "\n" + text: a pattern that starts with a
# literal is searched for much faster than one anchored by ^ in MULTILINE mode.
_SECTION_RE = re.compile(r"\n(sources|entities|facts)\s*:")
_ITEM_RE = re.compile(r"\n([ \t]*)-[ \t]")
_YAML_LINE_RE = re.compile(r"line (\d+)")


@dataclass(slots=True)
class ParsedFile:
    """What one file contributed: its valid entries, their lines, its problems."""

    rel: str
    digest: str
    sources: list[Source] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unreadable: bool = False
    """the file could not be read as YAML at all, so its ids are unknown"""
    broken: set[str] = field(default_factory=set)
    """'kind:id' of entries that failed validation: other entries may still
    refer to them without piling a second error on the first"""
    index: _FileIndex | None = None
    """what `build` needs of this file alone, worked out once and kept with it
    in the Loader's cache (see `_file_index`)"""


def _entry_lines(text: str) -> dict[str, list[int]]:
    """Line number of each list item of each top-level section, in order.

    yaml-rs returns plain data without positions, so positions come from the
    text: a section's items are the `- ` lines at the indentation of its first.
    """
    # In `marked`, the "\n" a match starts with is at the index where its line
    # starts in `text`.
    marked = "\n" + text
    headers = [(m.group(1), m.start()) for m in _SECTION_RE.finditer(marked)]
    result: dict[str, list[int]] = {}
    # Items come in text order, so each line number counts on from the last one
    # (counting from the top for every item made a file of n items O(n²)).
    pos, line = 0, 1
    for i, (name, start) in enumerate(headers):
        end = headers[i + 1][1] if i + 1 < len(headers) else len(text)
        indent = None
        lines: list[int] = []
        for m in _ITEM_RE.finditer(marked, start, end + 1):
            if indent is None:
                indent = m.group(1)
            if m.group(1) == indent:
                at = m.start()
                line += text.count("\n", pos, at)
                pos = at
                lines.append(line)
        result[name] = lines
    return result


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in error["loc"])
    msg = error["msg"]
    if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        msg = "unknown field (check the spelling; allowed fields are in bot/knowledge/schema.py)"
    elif error["type"] == "missing":
        msg = "required field is missing"
    return f"{loc}: {msg}" if loc else msg


def _read_yaml(raw: bytes) -> tuple[Any, str | None, int | None]:
    """(data, problem, line): whatever stops a file from being YAML at all."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start}): is this a YAML file?", None
    if "\x00" in text:
        return None, "contains NUL bytes: this is binary, not YAML", None
    try:
        data = yaml_rs.loads(text)
    except Exception as exc:  # yaml-rs's decode error names the line in its text
        lines = str(exc).strip().splitlines()
        m = _YAML_LINE_RE.search(str(exc))
        detail = lines[-1] if lines else "syntax error"
        return None, f"YAML syntax error: {detail}", int(m.group(1)) if m else None
    if data is None:
        return None, "the file is empty: give it sources:, entities: or facts:", None
    if not isinstance(data, dict):
        return None, "the top level must be a mapping with sources:, entities: or facts:", 1
    return data, None, None


def parse_file(path: Path, rel: str, parts: SharedParts | None = None) -> ParsedFile:
    """Parse and validate one file on its own; cross-file checks come later."""
    parts = SharedParts() if parts is None else parts
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problem = Problem(rel, f"cannot read the file: {exc.strerror}")
        return ParsedFile(rel, "", problems=[problem], unreadable=True)
    parsed = ParsedFile(rel, hashlib.sha256(raw).hexdigest())
    bad = parsed.problems.append
    data, problem, line = _read_yaml(raw)
    if problem:
        bad(Problem(rel, problem, line=line))
        parsed.unreadable = True
        return parsed
    text = raw.decode("utf-8")
    lines = _entry_lines(text)
    for name in data:
        if name not in SECTIONS:
            bad(Problem(rel, f"unknown section {name!r}: use sources, entities or facts"))
    for name in SECTIONS:
        items = data.get(name)
        if items is None:
            continue
        if not isinstance(items, list):
            bad(Problem(rel, f"{name} must be a list of entries"))
            continue
        valid, placed = _validate_section(name, items, lines.get(name, []), parsed, parts)
        prefix = f"{_kind(name)}:"
        repeated = set()
        for obj, line in placed:
            first = parsed.lines.setdefault(prefix + obj.id, line)
            if first != line:  # an id twice in this file: say where both are, once
                repeated.add(id(obj))
                bad(Problem(rel, f"duplicate {_kind(name)} id (first defined at {rel}:{first})",
                            entry=obj.id, line=line))
        getattr(parsed, name).extend(o for o in valid if id(o) not in repeated)
        if name == "facts":
            parsed.problems.extend(_unfinished(rel, items, lines.get(name, [])))
    return parsed


def _unfinished(rel: str, items: list[Any], item_lines: list[int]) -> list[Problem]:
    """What makes a fact unfit for users although its fields are well-formed: a
    draft's markers (`python -m bot draft` keeps the article's own sentence in
    `evidence`), a statement still saying TODO or repeating its evidence, a claim
    or plan that does not say whose it is. Read from the raw entries, so that it
    is said even when the entry has other errors too, in one pass that a reload
    repeats only for changed files."""
    problems = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        entry = str(item["id"]) if "id" in item else f"#{index + 1}"
        line = item_lines[index] if index < len(item_lines) else None

        def bad(message: str, entry: str = entry, line: int | None = line) -> None:
            problems.append(Problem(rel, message, entry=entry, line=line))

        statement, evidence = item.get("statement"), item.get("evidence")
        if item.get("draft") not in (None, False):
            bad("still marked draft: rewrite the statement in your own words, then delete "
                "`draft: true`")
        if evidence is not None:
            bad("still carries `evidence` (the article's own words): delete it once the "
                "statement is rewritten")
        if isinstance(statement, str):
            if "TODO" in statement:
                bad("the statement still says TODO: write it in your own words")
            if isinstance(evidence, str) and copied_run(statement, evidence):
                bad("the statement repeats 8 or more words of its evidence in a row: say it "
                    "in your own words")
        if item.get("nature") in NEEDS_CLAIMANT and not item.get("by"):
            bad(f"a {item['nature']} needs `by`: the entity that makes it")
        links = [*(item.get("disputes") or ()), *(item.get("updates") or ())]
        if "id" in item and item["id"] in links:
            bad("a fact cannot dispute or update itself")
    return problems


def _validate_section(name, items, item_lines, parsed, parts):
    """All entries at once (fast); only when that fails, one by one to say which
    entry is wrong and where."""
    if name == "facts":
        _share_parts(items, parts)
    try:
        valid = _LIST_ADAPTERS[name].validate_python(items)
        return valid, list(zip(valid, item_lines, strict=False))
    except ValidationError:
        pass
    valid, placed = [], []
    for index, item in enumerate(items):
        line = item_lines[index] if index < len(item_lines) else None
        entry = str(item["id"]) if isinstance(item, dict) and "id" in item else f"#{index + 1}"
        try:
            obj = _ADAPTERS[name].validate_python(item)
        except ValidationError as exc:
            parsed.broken.add(f"{_kind(name)}:{entry}")
            parsed.problems.extend(
                Problem(parsed.rel, _describe(e), entry=entry, line=line) for e in exc.errors()
            )
            continue
        valid.append(obj)
        placed.append((obj, line))
    return valid, placed


# The field types of KnowledgeFile, so a section is validated exactly as there
# (the adapters skip building the wrapping model: a quarter faster).
_LIST_ADAPTERS = {name: TypeAdapter(KnowledgeFile.model_fields[name].annotation) for name in SECTIONS}
_ADAPTERS = {"sources": TypeAdapter(Source), "entities": TypeAdapter(Entity), "facts": TypeAdapter(Fact)}


@dataclass(slots=True)
class SharedParts:
    """Facts share a few thousand `when`s and `cite`s: 100,000 facts hold about
    8,000 different ones of each, and one model for each saves a fifth of the
    memory of a large base (and validating them again). A Loader owns one, so
    what one load interned is handed to the next explicitly, and dropped with the
    Loader. Keyed by the raw values with their types: 1 and True are equal keys
    but not equal input."""

    whens: dict[tuple[tuple[str, Any], ...], When] = field(default_factory=dict)
    cites: dict[tuple[str, int], Citation] = field(default_factory=dict)


# yaml-rs reads YYYY-MM-DD as a date, quoted or not; a datetime is another type.
_WHEN_VALUE_TYPES = frozenset({str, bool, dt.date})


def _share_parts(items: list[Any], parts: SharedParts) -> None:
    """Validate each distinct `when` and `cite` of the facts once, and put the
    model in the raw entry in place of the mapping. Pydantic takes an instance
    of a field's model as it is (the default, revalidate_instances="never"),
    so the facts are what they would be, sharing these frozen parts. A part
    that fails, or has values of other types, stays a mapping, for the usual
    validation and errors."""
    whens, cites = parts.whens, parts.cites
    if len(whens) + len(cites) > 200_000:
        whens.clear()
        cites.clear()
    for item in items:
        if type(item) is not dict:
            continue
        raw = item.get("cite")
        if type(raw) is dict and len(raw) == 2:
            source, paragraph = raw.get("source"), raw.get("paragraph")
            if type(source) is str and type(paragraph) is int:
                cite = cites.get((source, paragraph))
                if cite is None:
                    try:
                        cite = cites[source, paragraph] = Citation.model_validate(raw)
                    except ValidationError:
                        cite = None
                if cite is not None:
                    item["cite"] = cite
        raw = item.get("when")
        if type(raw) is dict and _WHEN_VALUE_TYPES.issuperset(map(type, raw.values())):
            when_key = tuple(raw.items())
            when = whens.get(when_key)
            if when is None:
                try:
                    when = whens[when_key] = When.model_validate(raw)
                except ValidationError:
                    continue
            item["when"] = when


def _kind(section: str) -> str:
    return {"sources": "source", "entities": "entity", "facts": "fact"}[section]


@dataclass(slots=True)
class _FileIndex:
    """One file's share of `build`'s work, which depends on nothing else, so the
    Loader keeps it with the parsed file and a reload redoes only changed files."""

    sources: dict[str, Source]
    entities: dict[str, Entity]
    facts: dict[str, Fact]
    locations: dict[str, Location]
    alias_keys: list[tuple[str, list[tuple[str, str]]]]
    """(entity id, [(name, its index key)]) for every name of every entity"""
    entity_refs: set[str]
    fact_refs: set[str]
    paragraphs: dict[str, int]
    """source id -> the highest paragraph of it that a fact cites"""
    latest_reported: dict[str, str]
    """source id -> the latest date a fact citing it reports as having happened"""
    by_entity: dict[str, list[str]]
    by_source: dict[str, list[str]]


def _file_index(f: ParsedFile) -> _FileIndex:
    if f.index is not None:
        return f.index
    rel, lines = f.rel, f.lines
    locations = {}
    for kind, items in (("source:", f.sources), ("entity:", f.entities), ("fact:", f.facts)):
        for item in items:
            ref = kind + item.id
            locations[ref] = Location(rel, lines.get(ref))
    alias_keys = []
    entity_refs: set[str] = set()
    fact_refs: set[str] = set()
    for e in f.entities:
        # key(name), without filling normalize's cache with every alias
        alias_keys.append((e.id, [(n, " ".join(tokens_uncached(n))) for n in e.names]))
        if e.parent is not None:
            entity_refs.add(e.parent)
        for r in e.relations:
            entity_refs.add(r.target)
            fact_refs.update(r.facts)
        for value in e.attributes.values():
            fact_refs.update(value.facts)
    paragraphs: dict[str, int] = {}
    latest: dict[str, str] = {}
    by_entity: dict[str, list[str]] = {}
    by_source: dict[str, list[str]] = {}
    reported = Nature.REPORTED
    for fact in f.facts:
        fid = fact.id
        happened = fact.when.date or fact.when.start
        if happened and fact.nature is reported and latest.get(fact.cite.source, "") < happened:
            latest[fact.cite.source] = happened
        if fact.by is not None:
            entity_refs.add(fact.by)
        fact_refs.update(fact.disputes)
        fact_refs.update(fact.updates)
        for eid in (fact.subject, *fact.entities):
            ids = by_entity.get(eid)
            if ids is None:
                by_entity[eid] = [fid]
            elif ids[-1] != fid:
                ids.append(fid)
        source, paragraph = fact.cite.source, fact.cite.paragraph
        ids = by_source.get(source)
        if ids is None:
            by_source[source] = [fid]
            paragraphs[source] = paragraph
        else:
            ids.append(fid)
            if paragraphs[source] < paragraph:
                paragraphs[source] = paragraph
    entity_refs.update(by_entity)
    f.index = _FileIndex({s.id: s for s in f.sources}, {e.id: e for e in f.entities},
                         {x.id: x for x in f.facts}, locations, alias_keys, entity_refs,
                         fact_refs, paragraphs, latest, by_entity, by_source)
    return f.index


def _references(f: ParsedFile) -> Iterator[tuple[str, str, str, str]]:
    """(kind of the entry, its id, kind referred to, id referred to, how) for every
    reference a file makes: walked only when a cheap whole-set check has failed,
    to say which entry is wrong."""
    for e in f.entities:
        if e.parent is not None:
            yield "entity", e.id, "entity", e.parent, f"parent {e.parent!r} is not a known entity"
        for r in e.relations:
            yield ("entity", e.id, "entity", r.target,
                   f"relation target {r.target!r} is not a known entity")
            for fid in r.facts:
                yield ("entity", e.id, "fact", fid,
                       f"relation to {r.target!r} cites unknown fact {fid!r}")
        for attr, value in e.attributes.items():
            for fid in value.facts:
                yield "entity", e.id, "fact", fid, f"attribute {attr!r} cites unknown fact {fid!r}"
    for fact in f.facts:
        if fact.by is not None:
            yield "fact", fact.id, "entity", fact.by, f"`by` {fact.by!r} is not a known entity"
        for link, ids in (("disputes", fact.disputes), ("updates", fact.updates)):
            for fid in ids:
                yield "fact", fact.id, "fact", fid, f"{link} unknown fact {fid!r}"
        for eid in (fact.subject, *fact.entities):
            yield "fact", fact.id, "entity", eid, f"entity {eid!r} is not a known entity"


def _after(date: str, published: str) -> bool:
    """Is a partial date later than another, at the precision both have?"""
    n = min(len(date), len(published))
    return date[:n] > published[:n]


def build(files: list[ParsedFile]) -> KnowledgeBase:
    """Cross-check all files together and index them, or raise every problem.

    Each check is a cheap whole-set test over what every file worked out on its
    own (`_file_index`, kept between reloads); only a test that fails walks the
    entries, to say which one is wrong and where."""
    problems = [p for f in files for p in f.problems]
    indexes = [_file_index(f) for f in files]
    sources: dict[str, Source] = {}
    entities: dict[str, Entity] = {}
    facts: dict[str, Fact] = {}
    locations: dict[str, Location] = {}
    for x in indexes:
        for kind, table, mine in (("source", sources, x.sources), ("entity", entities, x.entities),
                                  ("fact", facts, x.facts)):
            again = table.keys() & mine.keys()  # ids another file defined first
            for id_ in sorted(again, key=lambda i: x.locations[f"{kind}:{i}"].line or 0):
                first, loc = locations[f"{kind}:{id_}"], x.locations[f"{kind}:{id_}"]
                problems.append(Problem(loc.file, f"duplicate {kind} id (first defined at "
                                                  f"{first.file}:{first.line})",
                                        entry=id_, line=loc.line))
            table.update(mine if not again else {k: v for k, v in mine.items() if k not in again})
        for ref, loc in x.locations.items():
            locations.setdefault(ref, loc)

    broken = set().union(*(f.broken for f in files))
    # With a file unreadable, any reference might point into it: say nothing.
    some_unreadable = any(f.unreadable for f in files)

    def report(kind: str, id_: str, message: str) -> None:
        loc = locations.get(f"{kind}:{id_}", Location("?", None))
        problems.append(Problem(loc.file, message, entry=id_, line=loc.line))

    alias_index: dict[str, str] = {}
    children: dict[str, list[str]] = defaultdict(list)
    for x in indexes:
        for eid, names in x.alias_keys:
            clashed = set()  # its id, name and an alias often share one key: one report is enough
            for name, k in names:
                if not k:
                    report("entity", eid, f"alias {name!r} has no letters or digits")
                    continue
                owner = alias_index.setdefault(k, eid)
                if owner != eid and k not in clashed:
                    clashed.add(k)
                    report("entity", eid, f"alias {name!r} is also an alias of entity {owner!r}")
        for e in x.entities.values():
            if e.parent == e.id:
                report("entity", e.id, "an entity cannot be its own parent")
            elif e.parent in entities:
                children[e.parent].append(e.id)

    known = {"entity": entities, "fact": facts}
    for f, x in zip(files, indexes, strict=True):
        if (entities.keys() >= x.entity_refs and facts.keys() >= x.fact_refs) or some_unreadable:
            continue
        for kind, id_, target_kind, target, message in _references(f):
            if target not in known[target_kind] and f"{target_kind}:{target}" not in broken:
                near = process.extractOne(target, known[target_kind].keys(), scorer=fuzz.ratio,
                                          score_cutoff=75)
                report(kind, id_, message + (f": did you mean {near[0]!r}?" if near else ""))

    for x in indexes:  # a source cannot report what happened after it appeared
        for source_id, latest in x.latest_reported.items():
            source = sources.get(source_id)
            if source is None or not _after(latest, source.published):
                continue
            for fact in x.facts.values():
                happened = fact.when.date or fact.when.start
                if (fact.cite.source == source_id and fact.nature is Nature.REPORTED
                        and happened and _after(happened, source.published)):
                    report("fact", fact.id, f"reported as having happened on {happened}, after "
                                            f"its source was published ({source.published}): "
                                            "date it again, or make it a plan or forecast")

    by_entity: dict[str, list[str]] = defaultdict(list)
    by_source: dict[str, list[str]] = defaultdict(list)
    for x in indexes:
        for eid, ids in x.by_entity.items():
            if eid in entities:
                by_entity[eid] += ids
        for source_id, ids in x.by_source.items():
            source = sources.get(source_id)
            if source is not None and x.paragraphs[source_id] <= source.paragraphs:
                by_source[source_id] += ids
                continue
            for fid in ids:
                paragraph = facts[fid].cite.paragraph
                if source is None:
                    if f"source:{source_id}" not in broken and not some_unreadable:
                        report("fact", fid, f"source {source_id!r} is not a known source")
                elif paragraph > source.paragraphs:
                    report("fact", fid, f"paragraph {paragraph} is past the end of "
                                        f"{source.id!r}, which has {source.paragraphs}")
                else:
                    by_source[source_id].append(fid)

    if not files:
        problems.append(Problem(".", "no .yaml files found in the knowledge directory"))
    if problems:
        raise KnowledgeError(problems)
    # the path inside the knowledge directory, not the directory's own name:
    # the same files anywhere are the same version
    version = content_version((f.rel.partition("/")[2] or f.rel, f.digest) for f in files)
    freeze = MappingProxyType
    return KnowledgeBase(
        sources=freeze(sources),
        entities=freeze(entities),
        facts=freeze(facts),
        alias_index=freeze(alias_index),
        facts_by_entity=freeze({k: tuple(v) for k, v in by_entity.items()}),
        facts_by_source=freeze({k: tuple(v) for k, v in by_source.items()}),
        children=freeze({k: tuple(v) for k, v in children.items()}),
        locations=freeze(locations),
        version=version,
    )


def content_version(files: Iterable[tuple[str, str]]) -> str:
    """The version of a fact base from (path inside the knowledge directory, sha256 of the
    bytes) pairs: what another process checks a bundle of the files against."""
    digest = hashlib.sha256()
    for inside, file_digest in sorted(files):
        digest.update(f"{inside}\0{file_digest}\n".encode())
    return digest.hexdigest()


def yaml_files(root: Path) -> list[Path]:
    """Every .yaml/.yml file under root, without following directory symlinks
    (a symlink loop must not hang a reload)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath, n) for n in sorted(filenames)
                     if n.endswith((".yaml", ".yml")) and not n.startswith("."))
    return found


RACY_NS = 2_000_000_000
"""File timestamps are coarse (a few ms on ext4, 2 s on FAT): a file written less than
this before it was read may be written again without its mtime moving, so its cache
entry is trusted only after its bytes are checked again (git's "racily clean" files)."""

_Entry = tuple[tuple[int, int, int, int], ParsedFile, int]
"""(stat signature, parsed file, time.time_ns() of the load that last read it)"""


def _same_bytes(path: Path, digest: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except OSError:
        return False


class Loader:
    """Loads one directory, keeping parsed files between loads so a reload only
    re-parses what changed. Not thread-safe: serialise reloads."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._cache: dict[str, _Entry] = {}
        self._parts = SharedParts()

    def load(self) -> KnowledgeBase:
        with collector_paused():
            return self._load()

    def _load(self) -> KnowledgeBase:
        if not self.root.is_dir():
            what = "is not a directory" if self.root.exists() else "does not exist"
            raise KnowledgeError([Problem(str(self.root), f"the knowledge directory {what}")])
        started = time.time_ns()
        cache: dict[str, _Entry] = {}
        files = []
        for path in yaml_files(self.root):
            rel = path.relative_to(self.root.parent).as_posix()
            try:
                st = path.stat()
                # ctime as well: a chmod or chown that makes the file unreadable moves only it,
                # and a reload must fail on such a file just as a restart would
                signature = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
            except OSError as exc:
                problem = Problem(rel, f"cannot read the file: {exc.strerror}")
                files.append(ParsedFile(rel, "", problems=[problem], unreadable=True))
                continue
            if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read forever
                problem = Problem(rel, "not a regular file")
                files.append(ParsedFile(rel, "", problems=[problem], unreadable=True))
                continue
            hit = self._cache.get(rel)
            fresh = hit is not None and hit[0] == signature and (
                st.st_mtime_ns < hit[2] - RACY_NS or _same_bytes(path, hit[1].digest))
            parsed = hit[1] if fresh else parse_file(path, rel, self._parts)
            if not parsed.problems:  # a file that failed is retried next time
                cache[rel] = (signature, parsed, started)
            files.append(parsed)
        self._cache = cache
        return build(files)


def load(root: Path | str) -> KnowledgeBase:
    return Loader(root).load()
