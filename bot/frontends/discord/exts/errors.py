"""Where command errors end: prefix and hybrid commands (on_command_error) and the slash
command tree (tree.on_error) alike.

After python-discord/bot's error handler: `dispatch` is the one place that picks a handler
per error type, and each handler is small and says one plain thing. Buttons report their
own failures through bot.frontends.discord.replies; no reply here pings anyone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import run
from bot.core.router import NAMES
from bot.frontends.discord.client import RaceBot
from bot.frontends.discord.exts.admin import NotMaintainer
from bot.frontends.discord.replies import NO_MENTIONS, reply, unexpected

log = logging.getLogger(__name__)

Origin = commands.Context | discord.Interaction
"""a command's context, or an interaction the tree failed on before any command ran"""

STALE = ("Discord's copy of this command is out of date: try again in a minute, or ask a "
         "maintainer to run `!sync`.")


class Errors(commands.Cog):
    def __init__(self, bot: RaceBot) -> None:
        self.bot = bot
        self._tree_on_error = bot.tree.on_error
        bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._tree_on_error  # type: ignore[method-assign]

    # --- entry points ---------------------------------------------------------

    @commands.Cog.listener()
    async def on_command_error(self, ctx: commands.Context, error: commands.CommandError) -> None:
        if isinstance(error, commands.HybridCommandError):
            error = error.original  # an app-command error raised inside a hybrid command
        await self.dispatch(ctx, error)

    async def on_app_command_error(self, interaction: discord.Interaction,
                                   error: app_commands.AppCommandError) -> None:
        """What never reaches a hybrid command: a command Discord has out of date, and the
        checks and transformers of plain app commands."""
        await self.dispatch(interaction, error)

    async def dispatch(self, origin: Origin, error: Exception) -> None:
        """The one place that decides which handler an error gets, most specific first."""
        handler: Callable[[Any, Any], Awaitable[None]]
        if isinstance(error, commands.CommandNotFound):
            return  # another bot's prefix, or chatter: stay quiet
        if isinstance(error, commands.CommandOnCooldown | app_commands.CommandOnCooldown):
            handler = self.handle_cooldown
        elif isinstance(error, NotMaintainer | commands.NotOwner):
            handler = self.handle_not_maintainer
        elif isinstance(error, commands.CheckFailure | app_commands.CheckFailure):
            handler = self.handle_check_failure
        elif isinstance(error, commands.UserInputError) and isinstance(origin, commands.Context):
            handler = self.handle_user_input_error
        elif isinstance(error, app_commands.TransformerError):
            handler = self.handle_transformer_error
        elif isinstance(error, app_commands.CommandSignatureMismatch | app_commands.CommandNotFound):
            handler = self.handle_stale_command
        else:
            handler = self.handle_unexpected
        try:
            await handler(origin, error)
        except discord.HTTPException as exc:  # the channel is gone, the interaction expired
            log.warning("could not tell the user about %s: %s", type(error).__name__, exc)

    # --- one handler per error type ---------------------------------------------

    async def handle_cooldown(self, origin: Origin,
                              error: commands.CommandOnCooldown | app_commands.CommandOnCooldown
                              ) -> None:
        """Every interaction is answered (else Discord shows the user "The application did
        not respond"), ephemerally, so a burst of them disturbs no one. A burst of prefix
        commands gets one notice per window: each would be a message in the channel."""
        if _interaction(origin) is not None or self.bot.should_warn(_user(origin).id):
            await say(origin, f"Slow down a little: try again in {error.retry_after:.0f}s.")

    async def handle_not_maintainer(self, origin: Origin, _: commands.CheckFailure) -> None:
        await say(origin, "Sorry, only the bot's maintainers can do that.")

    async def handle_check_failure(self, origin: Origin,
                                   error: commands.CheckFailure | app_commands.CheckFailure
                                   ) -> None:
        await say(origin, refusal(error))

    async def handle_user_input_error(self, ctx: commands.Context,
                                      _: commands.UserInputError) -> None:
        """The core knows each of its commands' usage and answers it like any answer,
        logged under the front end it came from; other commands show their signature."""
        command = ctx.command
        assert command is not None  # arguments are parsed for a command
        if command.name in NAMES:
            engine, started = self.bot.engine, time.perf_counter()
            await self.bot.send_answer(ctx, run(engine, command.name, ""), author_id=ctx.author.id,
                                       engine=engine, started=started,
                                       front_end="slash" if ctx.interaction else "prefix")
        else:
            await say(ctx, f"Usage: `{ctx.clean_prefix}{command.qualified_name} "
                           f"{command.signature}`")

    async def handle_transformer_error(self, origin: Origin,
                                       error: app_commands.TransformerError) -> None:
        await say(origin, f"I could not read one of the options as a {error.type.name}: "
                          "check it and try again.")

    async def handle_stale_command(self, origin: Origin, _: app_commands.AppCommandError) -> None:
        await say(origin, STALE)

    async def handle_unexpected(self, origin: Origin, error: Exception) -> None:
        original = getattr(error, "original", error)  # CommandInvokeError, and its app twin
        where = getattr(origin.command, "qualified_name", None) or "an interaction"
        await say(origin, unexpected(original, where))


def refusal(error: commands.CheckFailure | app_commands.CheckFailure) -> str:
    """Each kind of refusal in its own words: what is missing, and where."""
    if isinstance(error, commands.NoPrivateMessage | app_commands.NoPrivateMessage):
        return "That command works in a server, not in a DM."
    if isinstance(error, commands.PrivateMessageOnly):
        return "That command works only in a DM with me."
    if isinstance(error, commands.BotMissingPermissions | app_commands.BotMissingPermissions):
        return (f"I need the {_names(error.missing_permissions)} permission in this channel "
                "to do that: a server admin can grant it.")
    if isinstance(error, commands.MissingPermissions | app_commands.MissingPermissions):
        return f"You need the {_names(error.missing_permissions)} permission to do that."
    return "That command can't be used here."


def _names(permissions: list[str]) -> str:
    """`manage_guild` as the Discord app shows it: Manage Server."""
    return " and ".join(p.replace("_", " ").replace("guild", "server").title()
                        for p in permissions)


async def say(origin: Origin, text: str) -> None:
    """Ephemeral wherever Discord allows it (slash commands): only that person sees it."""
    if isinstance(origin, commands.Context):
        await origin.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await reply(origin, text)


def _interaction(origin: Origin) -> discord.Interaction | None:
    return origin.interaction if isinstance(origin, commands.Context) else origin


def _user(origin: Origin) -> discord.abc.User:
    return origin.author if isinstance(origin, commands.Context) else origin.user


async def setup(bot: RaceBot) -> None:
    await bot.add_cog(Errors(bot))
