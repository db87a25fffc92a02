"""A tiny valid fact base, written as files, that each test breaks one way."""

from __future__ import annotations

from pathlib import Path

SOURCES = """\
sources:
  - id: src-a
    title: A test article
    outlet: Test Times
    published: "2025-03"
    date_inferred: true
    record: seeds/src-a.md
    paragraphs: 3
"""

ENTITIES = """\
entities:
  - id: acme
    name: Acme
    kind: company
    chinese_name: 阿克米
    aliases: [Acme Corp]
    description: A company that makes test models.
    attributes:
      type: {value: Test company, facts: [release.acme-one]}
  - id: acme-one
    name: Acme One
    kind: model
    parent: acme
    aliases: [A1]
    description: Acme's first model.
    relations:
      - {type: rival, target: acme, facts: [release.acme-one]}
"""

FACTS = """\
facts:
  - id: release.acme-one
    subject: acme
    entities: [acme-one]
    category: release
    statement: Acme put out its first model.
    when: {date: "2025-03-24"}
    cite: {source: src-a, paragraph: 1}
    nature: reported
  - id: outlook.acme-wins
    subject: acme
    category: outlook
    statement: The article expects Acme to lead.
    when: {as_of_source: true}
    cite: {source: src-a, paragraph: 3}
    nature: forecast
"""


def write_base(root: Path, **overrides: str) -> Path:
    """Write the valid base under root/knowledge, replacing any file by name."""
    files = {"sources.yaml": SOURCES, "entities.yaml": ENTITIES, "facts/main.yaml": FACTS}
    files.update({name.replace("__", "/") + ".yaml": text for name, text in overrides.items()})
    knowledge = root / "knowledge"
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    for record in ("src-a", "src-b"):
        (root / "seeds" / f"{record}.md").write_text(f"# Source record: {record}\n")
    for name, text in files.items():
        path = knowledge / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return knowledge
