"""JSON for maintainers' scripts: stable keys, one object per answer."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bot.core.answers import Answer, FactView
from bot.output.text import render_text


def _fact(f: FactView) -> dict[str, Any]:
    return {
        "id": f.id,
        "statement": f.statement,
        "label": f.label,
        "nature": f.nature.value,
        "by": f.by,
        "when": f.when,
        "source": {"id": f.cite.source_id, "paragraph": f.cite.paragraph,
                   "title": f.cite.title, "outlet": f.cite.outlet, "published": f.cite.published},
    }


def to_json(answer: Answer) -> dict[str, Any]:
    return {
        "query": answer.query,
        "kind": answer.kind.value,
        "command": answer.command,
        "title": answer.title,
        "summary": answer.summary,
        "text": render_text(answer),
        "entities": list(answer.entities),
        "as_of": answer.as_of,
        "facts": [_fact(f) for f in answer.facts],
        "related": [_fact(f) for f in answer.related],
        "differ": [_fact(f) for f in answer.differ],
        "suggestions": list(answer.suggestions),
        "unknown": list(answer.unknown),
        "columns": [c.label for c in answer.columns],
        "rows": [asdict(r) for r in answer.rows],
        "sections": [asdict(s) for s in answer.sections],
        "checks": [{"claim": c.claim, "finding": c.finding.value, "stated": list(c.stated),
                    "entities": list(c.entities), "same": [_fact(f) for f in c.same],
                    "different": [_fact(f) for f in c.different],
                    "related": [_fact(f) for f in c.related]} for c in answer.checks],
    }
