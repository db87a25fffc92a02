"""JSON for maintainers' scripts: stable keys, one object per answer."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bot.core.answers import Answer
from bot.output.text import render_text


def to_json(answer: Answer) -> dict[str, Any]:
    return {
        "query": answer.query,
        "kind": answer.kind.value,
        "command": answer.command,
        "title": answer.title,
        "summary": answer.summary,
        "text": render_text(answer),
        "entities": list(answer.entities),
        "facts": [
            {
                "id": f.id,
                "statement": f.statement,
                "nature": f.nature,
                "when": f.when,
                "source": {"id": f.cite.source_id, "paragraph": f.cite.paragraph,
                           "title": f.cite.title, "outlet": f.cite.outlet},
            }
            for f in answer.facts
        ],
        "suggestions": list(answer.suggestions),
        "unknown": list(answer.unknown),
        "columns": [c.label for c in answer.columns],
        "rows": [asdict(r) for r in answer.rows],
        "sections": [asdict(s) for s in answer.sections],
    }
