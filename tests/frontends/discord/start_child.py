"""Run by test_runner.py in a subprocess: `python -m bot run` as in production, with
discord.py pointed at the given REST and gateway URLs (a stub, a closed port, a host that
does not resolve), so the test reads exactly what the person starting the bot would see.

    python -m tests.frontends.discord.start_child API_URL GATEWAY_URL
"""

import sys

import discord
import yarl

from bot.frontends.cli import main

discord.http.Route.BASE = sys.argv[1]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])
raise SystemExit(main(["run"]))
