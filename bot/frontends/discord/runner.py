"""Starting and stopping the bot for real."""

from __future__ import annotations

import asyncio
import logging
import signal

import discord

from bot.core import Engine
from bot.frontends.discord.client import RaceBot
from bot.knowledge import KnowledgeError, Loader
from bot.shared.settings import Settings

log = logging.getLogger("bot")

INTENT_HELP = ("Discord refused the message content intent: enable 'Message Content Intent' "
               "under Bot > Privileged Gateway Intents in the developer portal. Carrying on "
               "without it: slash commands, DMs and mentions still work, !prefix commands in "
               "servers do not.")


def build_bot(settings: Settings, *, message_content: bool = True,
              sync_guild: int | None = None) -> RaceBot:
    loader = Loader(settings.knowledge_dir)
    return RaceBot(settings, Engine(loader.load()), loader, message_content=message_content,
                   sync_guild=sync_guild)


async def serve(settings: Settings, sync_guild: int | None) -> None:
    """Run until closed; on a refused message-content intent, log how to enable
    it and start again without it."""
    token = settings.discord_token.get_secret_value()  # type: ignore[union-attr]
    message_content = True
    while True:
        bot = build_bot(settings, message_content=message_content, sync_guild=sync_guild)
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


def run_bot(settings: Settings, sync_guild: int | None = None) -> int:
    discord.utils.setup_logging(level=settings.log_level.upper())
    if settings.discord_token is None:
        log.error("DISCORD_TOKEN is not set: put it in the environment or in .env "
                  "(see .env.example), or run `python -m bot console`.")
        return 2
    try:
        asyncio.run(serve(settings, sync_guild))
    except KnowledgeError as exc:
        for problem in exc.problems:
            log.error("knowledge: %s", problem)
        return 1
    except discord.LoginFailure:
        log.error("Discord rejected the token (it is not shown here): check DISCORD_TOKEN.")
        return 1
    return 0
