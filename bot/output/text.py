"""Plain text for the console and the command line."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from bot.core.answers import Answer
from bot.core.wording import cite_short
from bot.shared.formats import shorten

TITLE_WIDTH = 80
"""columns a title may take: a terminal's width, and the underline's"""


def display_width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit_width(text: str, width: int) -> str:
    """At most `width` terminal columns, cut at a word with an ellipsis: a Chinese
    title is cut at half the characters an English one is."""
    text = " ".join(text.split())
    if display_width(text) <= width:
        return text
    chars = width
    while chars > 1 and display_width(short := shorten(text, chars)) > width:
        chars -= 1
    return short


def footnotes(answer: Answer) -> dict[str, int]:
    """Fact id -> its footnote number, in the order the answer cites them."""
    return {f.id: n for n, f in enumerate(answer.facts, 1)}


def refs(fact_ids: Iterable[str], notes: Mapping[str, int]) -> str:
    """'[1][4][7]': a cell's footnotes in number order, each once."""
    return "".join(f"[{n}]" for n in sorted({notes[f] for f in fact_ids if f in notes}))


def render_text(answer: Answer) -> str:
    notes = footnotes(answer)
    title = fit_width(answer.title, TITLE_WIDTH)
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
                pad = " " * (width - display_width(column))
                out.append(f"  {column}{pad}  {cell.text} {refs(cell.facts, notes)}".rstrip())
    for section in answer.sections:
        out.append("")
        if section.title:
            out.append(section.title)
        out += [f"  - {line}" for line in section.lines]
    if answer.rows:
        out += ["", "Facts cited"]
        out += [f"  [{n}] {f.label} ({cite_short(f.cite)})" for n, f in enumerate(answer.facts, 1)]
    if answer.sources:
        out += ["", "Sources"] + [f"  {c.source_label}" for c in answer.sources]
    return "\n".join(out)
