"""Discord's limits and the bot's promises, as checks shared by the reliability tests,
and the figures those tests measure (printed at the end of the run and written to a
temporary directory, never into the repository)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import discord

OUT = Path(tempfile.gettempdir()) / "china-ai-race-bot-reliability"

TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE = 256, 4096, 25, 256, 1024
FOOTER, AUTHOR, TOTAL, MESSAGE, EMBEDS = 2048, 256, 6000, 2000, 10

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""bidirectional embeddings, overrides and isolates: typed by a user and echoed
back, they reorder the bot's own text around them"""
_LIVE_MENTION = re.compile(r"@(everyone|here)\b|<@[!&]?\d{17,20}>")

FIGURES: dict[str, Any] = {"fuzz_inputs": 0}
"""what the closing note quotes; tests add to it, conftest.py reports it"""
FAULTS: list[tuple[str, str, str]] = []
"""(fault, the reload's message, facts still served) for bench/out/faults.md"""


def count_inputs(n: int = 1) -> None:
    FIGURES["fuzz_inputs"] += n


def embed_problems(embed: discord.Embed | dict[str, Any]) -> list[str]:
    """Every way an embed breaks Discord's limits (empty field names and values
    included: Discord refuses those too); [] when it fits."""
    total = len(embed) if isinstance(embed, discord.Embed) else None
    data = embed.to_dict() if isinstance(embed, discord.Embed) else embed
    problems = []

    def over(what: str, text: str | None, limit: int) -> None:
        if text is not None and len(text) > limit:
            problems.append(f"{what}: {len(text)} > {limit}")

    over("title", data.get("title"), TITLE)
    over("description", data.get("description"), DESCRIPTION)
    over("footer", data.get("footer", {}).get("text"), FOOTER)
    over("author", data.get("author", {}).get("name"), AUTHOR)
    fields = data.get("fields", [])
    if len(fields) > FIELDS:
        problems.append(f"{len(fields)} fields > {FIELDS}")
    for f in fields:
        over("field name", f["name"], FIELD_NAME)
        over("field value", f["value"], FIELD_VALUE)
        if not f["name"].strip() or not f["value"].strip():
            problems.append(f"empty field {f['name']!r}: {f['value']!r}")
    if total is None:
        total = sum(len(data.get(k) or "") for k in ("title", "description"))
        total += len(data.get("footer", {}).get("text", "")) + len(data.get("author", {}).get("name", ""))
        total += sum(len(f["name"]) + len(f["value"]) for f in fields)
    if total > TOTAL:
        problems.append(f"total {total} > {TOTAL}")
    return problems


def message_problems(body: dict[str, Any]) -> list[str]:
    """A request body that creates a message: content, embeds and who it may ping."""
    problems = []
    content = body.get("content") or ""
    if len(content) > MESSAGE:
        problems.append(f"content {len(content)} > {MESSAGE}")
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS:
        problems.append(f"{len(embeds)} embeds > {EMBEDS}")
    for embed in embeds:
        problems += embed_problems(embed)
    mentions = body.get("allowed_mentions")
    if mentions is None or mentions.get("parse") != [] or mentions.get("users") \
            or mentions.get("roles") or mentions.get("replied_user"):
        problems.append(f"allowed_mentions {mentions!r} could ping someone")
    return problems


def echo_problems(embed: discord.Embed | dict[str, Any]) -> list[str]:
    """What typed input must never become in a reply: a code fence that swallows the
    rest, a live mention, or a bidi control. The bot's own texts contain none of them,
    so any of them is the user's input echoed back raw."""
    data = embed.to_dict() if isinstance(embed, discord.Embed) else embed
    texts = [data.get("title", ""), data.get("description", ""),
             data.get("footer", {}).get("text", ""), data.get("author", {}).get("name", "")]
    texts += [t for f in data.get("fields", []) for t in (f["name"], f["value"])]
    problems = []
    for text in filter(None, texts):
        if "```" in text:
            problems.append(f"code fence in {text[:80]!r}")
        if _LIVE_MENTION.search(text):
            problems.append(f"live mention in {text[:80]!r}")
        if any(c in BIDI for c in text):
            problems.append(f"bidi control in {text[:80]!r}")
    return problems
