"""Accepting an edited draft into the fact base: `python -m bot accept DRAFT.yaml`.

One command between editing a draft and `!reload`: it refuses a draft that is
not finished (each problem with the draft file, the entry and its line), then
writes the source and facts to KNOWLEDGE/facts/SOURCEID.yaml, the entities the
maintainer kept to KNOWLEDGE/entities/SOURCEID.yaml and a seeds/SOURCEID.md
record skeleton beside KNOWLEDGE, never over an existing file; and validates
the whole directory with the loader, removing what it wrote if that fails, so
a refused accept leaves the base as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge import KnowledgeError, load
from bot.shared.formats import COPY_WORDS, copied_run, plural
from bot.tools.text import split_article, split_sentences

DRAFT_ONLY = ("draft_notes",)
"""Keys the draft adds for the maintainer's guidance, dropped on accept."""
ENTITY_DRAFT_ONLY = ("seen", "kind_guess")


@dataclass(frozen=True, slots=True)
class Refusal:
    file: str
    entry: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.entry}: {self.message}"


class AcceptError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _entry_lines(text: str) -> dict[str, list[int]]:
    """section -> the 1-based line of each entry, from the YAML node tree."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    out: dict[str, list[int]] = {}
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if isinstance(v, yaml.SequenceNode):
                out[str(k.value)] = [item.start_mark.line + 1 for item in v.value]
    return out


def _has_todo(value: Any) -> bool:
    if isinstance(value, str):
        return "TODO" in value
    if isinstance(value, dict):
        return any(_has_todo(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_todo(v) for v in value)
    return False


def check_draft(path: Path, data: Any, text: str) -> list[Refusal]:
    """Every reason the draft is not ready, with its place."""
    name = str(path)
    lines = _entry_lines(text)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list) or len(data["sources"]) != 1:
        return [Refusal(name, "sources", None, "the draft must hold exactly one source")]
    source = data["sources"][0]
    out: list[Refusal] = []
    sid = str(source.get("id", ""))
    if _has_todo(source):
        out.append(Refusal(name, f"source {sid}", lines.get("sources", [None])[0],
                           "still says TODO (title, outlet or published)"))
    article_sentences = _article_sentences(data.get("article"))
    for field, advice in SOURCE_WORDS.items():
        run = next((run for sentence in article_sentences
                    if (run := copied_run(str(source.get(field) or ""), sentence))), None)
        if run:
            out.append(Refusal(name, f"source {sid}", lines.get("sources", [None])[0],
                               f"the {field} repeats the article's words (“{run}”): {advice}"))
    facts = data.get("facts") or []
    fact_lines = lines.get("facts", [])
    if not facts:
        out.append(Refusal(name, "facts", None, "no facts: keep at least one"))
    for i, fact in enumerate(facts):
        line = fact_lines[i] if i < len(fact_lines) else None
        if not isinstance(fact, dict):
            out.append(Refusal(name, f"fact #{i + 1}", line, "not a mapping"))
            continue
        entry = str(fact.get("id", f"#{i + 1}"))

        def refuse(message: str, entry: str = entry, line: int | None = line) -> None:
            out.append(Refusal(name, entry, line, message))

        if fact.get("draft"):
            refuse("still marked draft: delete `draft: true` once it is rewritten")
        for marker in ("evidence", "numbers"):
            if marker in fact:
                refuse(f"still carries `{marker}`: delete it once the statement is written")
        statement = str(fact.get("statement", ""))
        if "TODO" in statement:
            refuse("the statement still says TODO: write it in your own words")
        elif _has_todo({k: v for k, v in fact.items() if k not in ("statement", *DRAFT_ONLY)}):
            refuse("still says TODO (subject, by or another field)")
        if not entry.startswith(f"{sid}."):
            refuse(f"the id must start with “{sid}.”, the name of its file facts/{sid}.yaml")
        evidence = [str(fact["evidence"])] if fact.get("evidence") else []
        for sentence in (*evidence, *article_sentences):
            run = copied_run(statement, sentence)
            if run:
                refuse(f"the statement repeats {COPY_WORDS} or more words of the article "
                       f"(“{run}”): say it in your own words")
                break
    for i, entity in enumerate(data.get("new_entities") or []):
        elines = lines.get("new_entities", [])
        line = elines[i] if i < len(elines) else None
        if isinstance(entity, dict) and _has_todo({k: v for k, v in entity.items()
                                                   if k not in ENTITY_DRAFT_ONLY}):
            out.append(Refusal(name, f"entity {entity.get('id', i + 1)}", line,
                               "still says TODO: write its description, or delete the proposal"))
    return out


SOURCE_WORDS = {
    "title": "give it a short label of your own",
    "url": "leave `url` out (its slug is the headline); the address stays in shared/seeds/README.md",
}
"""the source's fields that may not repeat the article, and what to do instead"""


def _article_sentences(article: Any) -> list[str]:
    """The article's headline and sentences: what nothing accepted may repeat."""
    if not isinstance(article, str) or not Path(article).is_file():
        return []
    headline, paragraphs = split_article(Path(article).read_text(encoding="utf-8"))
    return [*([headline] if headline else []), *(s for p in paragraphs for s in split_sentences(p))]


def seed_record(source: dict[str, Any]) -> str:
    """The seeds/SOURCEID.md skeleton: the metadata table, one TODO per paragraph."""
    rows = [("id", f"`{source['id']}`"), ("title", source.get("title")), ("outlet", source.get("outlet")),
            ("published", source.get("published")), ("URL", source.get("url") or "none"),
            ("paragraphs", source.get("paragraphs"))]
    if source.get("seed_file"):
        rows.append(("text", f"`shared/seeds/{source['seed_file']}`"))
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    paras = "\n".join(f"- ¶{n}: TODO" for n in range(1, int(source.get("paragraphs", 1)) + 1))
    return (f"# Source record: {source['id']}\n\n## Metadata\n\n| field | value |\n|---|---|\n{table}\n\n"
            f"## Paragraph summaries (our own words)\n\n{paras}\n")


def _dump(header: str, data: dict[str, Any]) -> str:
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def accept(draft_path: Path, knowledge: Path) -> list[Path]:
    """Check, write, validate; returns the files written. Raises AcceptError
    with every problem, having removed anything it wrote."""
    try:
        text = draft_path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AcceptError([f"{draft_path}: cannot read the draft: {exc}"]) from None
    refusals = check_draft(draft_path, data, text)
    if refusals:
        raise AcceptError([str(r) for r in refusals])
    source = dict(data["sources"][0])
    sid = source["id"]
    facts = [{k: v for k, v in f.items() if k not in DRAFT_ONLY} for f in data["facts"]]
    entities = [{k: v for k, v in e.items() if k not in ENTITY_DRAFT_ONLY}
                for e in data.get("new_entities") or []]
    targets = {knowledge / "facts" / f"{sid}.yaml": _dump(f"# Accepted from {draft_path.name}.\n",
                                                          {"sources": [source], "facts": facts}),
               knowledge.parent / "seeds" / f"{sid}.md": seed_record(source)}
    if entities:
        targets[knowledge / "entities" / f"{sid}.yaml"] = _dump(
            f"# Entities first seen in {sid}.\n", {"entities": entities})
    existing = [str(p) for p in targets if p.exists()]
    if existing:
        raise AcceptError([f"{p} already exists: not overwriting it" for p in existing])
    written: list[Path] = []
    try:
        for path, content in targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as f:
                f.write(content)
            written.append(path)
        load(knowledge)
    except KnowledgeError as exc:
        _remove(written)
        raise AcceptError([f"validation failed, nothing kept ({plural(len(exc.problems), 'problem')}):",
                           *(f"  {p}" for p in exc.problems)]) from None
    except OSError as exc:
        _remove(written)
        raise AcceptError([f"cannot write: {exc}"]) from None
    return written


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
