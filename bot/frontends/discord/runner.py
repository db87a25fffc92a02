"""Starting and stopping the bot for real."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import ssl

import aiohttp
import discord
import yarl

from bot.core import startup
from bot.frontends.discord.client import RaceBot
from bot.knowledge import KnowledgeError
from bot.services.fleet import FleetTimings, LeaseRefused
from bot.shared.settings import Settings

log = logging.getLogger("bot")

INTENT_HELP = ("Discord refused the message content intent: enable 'Message Content Intent' "
               "under Bot > Privileged Gateway Intents in the developer portal. Carrying on "
               "without it: slash commands, DMs and mentions still work, !prefix commands in "
               "servers do not.")
UNREACHABLE = (aiohttp.ClientConnectionError, ConnectionError, TimeoutError, socket.gaierror,
               ssl.SSLError)
"""how not getting through to Discord surfaces (a plain OSError is more likely a disk's)"""
CONSOLE = "The console works without Discord: `make console` or `python -m bot console`."


def build_bot(settings: Settings, *, message_content: bool = True,
              sync_guild: int | None = None, fleet_timings: FleetTimings | None = None) -> RaceBot:
    loader, engine = startup.start(settings.knowledge_dir, settings.cache_dir)
    return RaceBot(settings, engine, loader, message_content=message_content,
                   sync_guild=sync_guild, fleet_timings=fleet_timings)


async def serve(settings: Settings, sync_guild: int | None,
                fleet_timings: FleetTimings | None = None) -> None:
    """Run until closed; on a refused message-content intent, log how to enable
    it and start again without it."""
    token = settings.discord_token.get_secret_value()  # type: ignore[union-attr]
    message_content = True
    while True:
        bot = build_bot(settings, message_content=message_content, sync_guild=sync_guild,
                        fleet_timings=fleet_timings)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda b=bot: asyncio.create_task(b.close()))
        try:
            async with bot:
                await bot.start(token)
            return
        except discord.PrivilegedIntentsRequired:
            if not message_content:
                raise
            log.error(INTENT_HELP)
            message_content = False


def run_bot(settings: Settings, sync_guild: int | None = None,
            fleet_timings: FleetTimings | None = None) -> int:
    discord.utils.setup_logging(level=settings.log_level.upper())
    if settings.discord_token is None:
        log.error("DISCORD_TOKEN is not set: put it in the environment or in .env "
                  "(see .env.example), or run `python -m bot console`.")
        return 2
    try:
        asyncio.run(serve(settings, sync_guild, fleet_timings))
    except LeaseRefused as exc:
        log.error("%s", exc)
        return 1
    except KnowledgeError as exc:
        for problem in exc.problems:
            log.error("knowledge: %s", problem)
        return 1
    except (discord.DiscordException, *UNREACHABLE) as exc:
        problem = start_failure(exc)
        if problem is None:
            raise
        log.error("%s %s", problem, CONSOLE)
        return 1
    return 0


def start_failure(exc: BaseException) -> str | None:
    """What failed and what to do about it, in one line, for each way of not getting
    through to Discord: a traceback says neither to the person starting the bot. None
    for anything else, which is a bug and keeps its traceback."""
    host = getattr(exc, "host", None) or yarl.URL(discord.http.Route.BASE).host
    if isinstance(exc, discord.LoginFailure) or (
            isinstance(exc, discord.ConnectionClosed) and exc.code == 4004):
        how = "gateway close code 4004" if isinstance(exc, discord.ConnectionClosed) else "HTTP 401"
        return (f"Discord rejected the token ({how}: authentication failed; the token is not "
                "shown here): copy it again from the developer portal (Bot > Reset Token) "
                "into DISCORD_TOKEN.")
    if isinstance(exc, discord.ConnectionClosed):
        return (f"Discord's gateway closed the connection (close code {exc.code}): "
                "try again in a few minutes; https://discordstatus.com says if Discord is down.")
    if isinstance(exc, discord.HTTPException):
        return (f"Discord answered HTTP {exc.status} while logging in: try again in a few "
                "minutes; https://discordstatus.com says if Discord is down.")
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return (f"The TLS connection to {host} failed ({_reason(exc)}): check the system "
                "clock, the CA certificates (ca-certificates, certifi) and any HTTPS proxy.")
    if isinstance(exc, aiohttp.ClientConnectorDNSError | socket.gaierror):
        return (f"Cannot resolve {host} (DNS lookup failed: {_reason(exc)}): check this "
                "machine's network connection and DNS settings.")
    if isinstance(exc, UNREACHABLE):
        return (f"Cannot connect to {host} ({_reason(exc)}): check the network connection, "
                "firewall or proxy; Discord must be reachable on port 443.")
    return None


def _reason(exc: BaseException) -> str:
    """The system's own words ("Connection refused", "certificate has expired"), not
    aiohttp's wrapper text."""
    cause = getattr(exc, "certificate_error", None) or getattr(exc, "os_error", None) or exc
    if isinstance(cause, ssl.SSLCertVerificationError) and cause.verify_message:
        return cause.verify_message
    if isinstance(cause, ssl.SSLError):
        return cause.reason or str(cause)
    if isinstance(cause, OSError) and not isinstance(cause, socket.gaierror) \
            and (cause.errno or 0) > 0:
        return os.strerror(cause.errno)
    return getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
