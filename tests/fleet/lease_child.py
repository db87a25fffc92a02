"""Run by test_fleet_service.py: a process that takes shard leases and renews them until it
is killed, as a bot process would.

    python -m tests.fleet.lease_child REDIS_URL PREFIX KNOWLEDGE_DIR NAME SHARD...
"""

import asyncio
import sys
from pathlib import Path

from tests.fleet.hosts import Host


async def main() -> None:
    url, prefix, knowledge, name, *shards = sys.argv[1:]
    fleet = Host(Path(knowledge)).fleet(url, prefix, tuple(map(int, shards)), name)
    await fleet.start()
    print("ready", flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
