"""Plain text for the console and the command line."""

from __future__ import annotations

import unicodedata

from bot.core.answers import Answer
from bot.shared.formats import shorten

TITLE_WIDTH = 80


def display_width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def footnotes(answer: Answer) -> dict[str, int]:
    """Fact id -> its footnote number, in the order the answer cites them."""
    return {f.id: n for n, f in enumerate(answer.facts, 1)}


def render_text(answer: Answer) -> str:
    notes = footnotes(answer)
    title = shorten(answer.title, TITLE_WIDTH)
    out = [title, "=" * display_width(title)]
    if answer.summary:
        out.append(answer.summary)
    if answer.as_of:
        out.append(f"As of {answer.as_of}.")
    if answer.rows:
        labels = [c.label for c in answer.columns]
        width = max(map(display_width, labels))
        for row in answer.rows:
            same = len(answer.columns) > 1 and not row.differs
            out += ["", row.label + ("  (the same)" if same else "")]
            for column, cell in zip(labels, row.cells, strict=True):
                refs = "".join(f"[{notes[f]}]" for f in cell.facts if f in notes)
                pad = " " * (width - display_width(column))
                out.append(f"  {column}{pad}  {cell.text} {refs}".rstrip())
    for section in answer.sections:
        out += ["", section.title]
        out += [f"  - {line}" for line in section.lines]
    if answer.rows:
        out += ["", "Facts cited"]
        out += [f"  [{n}] {f.label} ({f.cite.short})" for n, f in enumerate(answer.facts, 1)]
    if answer.sources:
        out += ["", "Sources"] + [f"  {c.source_label}" for c in answer.sources]
    return "\n".join(out)
