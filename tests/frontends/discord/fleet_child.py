"""Run by test_fleet_e2e.py: one bot process of a fleet, started as `python -m bot run` is
(settings from the environment: SHARD_COUNT, SHARD_IDS, REDIS_URL, KNOWLEDGE_DIR, ...), with
discord.py pointed at the loopback stub and the fleet's timings shortened so that a
crashed process's lease expires in 3 s rather than 15.

    python -m tests.frontends.discord.fleet_child API_URL GATEWAY_URL
"""

import sys

import discord
import yarl

from bot.frontends.discord.runner import run_bot
from bot.services.fleet import FleetTimings
from bot.shared.settings import Settings

TIMINGS = FleetTimings(lease=3.0, renew=1.0, check=5.0, ack_wait=10.0, identify_window=1.0)

if __name__ == "__main__":
    discord.http.Route.BASE = sys.argv[1]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])
    raise SystemExit(run_bot(Settings.load(), fleet_timings=TIMINGS))
