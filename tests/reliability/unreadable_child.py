"""Run by test_faults.py in a subprocess: the bot's own reload, by an unprivileged user,
of a base with one file that user may not read.

Root reads any file whatever its mode, and CI runs as root, so a chmod 000 proves
nothing there. This process starts as whoever runs the tests, builds the bot, reloads
once (so that every module a reload needs is imported while it still can), makes the
file unreadable, drops to uid/gid 65534 (`nobody`) if it is root, and reloads again.
Where root may not change its uid, reading that one file is made to fail with EACCES
instead, and the report says "simulated".

    python -m tests.reliability.unreadable_child KNOWLEDGE_DIR RELATIVE_FILE

It prints one line of JSON: what the reload said and what the bot still serves.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from bot.core import route
from bot.frontends.discord.runner import build_bot
from bot.shared.settings import Settings

NOBODY = 65534


async def main(knowledge: Path, target: Path) -> dict:
    settings = Settings(_env_file=None, discord_token=None, knowledge_dir=knowledge, query_log="off")
    bot = build_bot(settings)
    warm = await bot.reload_knowledge()
    assert warm.ok, warm.problems
    engine = bot.engine
    views = {fid: engine.fact_view(fid) for fid in engine.kb.facts}
    abouts = {eid: route(engine, f"about {e.name}") for eid, e in engine.kb.entities.items()}
    target.chmod(0)
    simulated = False
    if os.geteuid() == 0:
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
        except PermissionError:  # root without CAP_SETUID (some containers): say so, and
            simulated = True     # make reading that one file fail as the kernel would
            real = Path.read_bytes

            def read_bytes(self: Path) -> bytes:
                if self == target:
                    raise PermissionError(13, "Permission denied", str(self))
                return real(self)

            Path.read_bytes = read_bytes  # type: ignore[method-assign]
    result = await bot.reload_knowledge()
    now = bot.engine
    return {
        "uid": os.getuid(),
        "simulated": simulated,
        "ok": result.ok,
        "problems": list(result.problems),
        "same_engine": now is engine,
        "served": sum(now.fact_view(fid) == view for fid, view in views.items()),
        "facts": len(views),
        "abouts_same": all(route(now, f"about {now.kb.entities[e].name}") == a
                           for e, a in abouts.items()),
    }


if __name__ == "__main__":
    knowledge = Path(sys.argv[1])
    print(json.dumps(asyncio.run(main(knowledge, knowledge / sys.argv[2]))))
