"""One error handler for prefix and slash commands alike."""

from __future__ import annotations

import logging
import time
import uuid

from discord.ext import commands

from bot.core import run
from bot.core.router import NAMES
from bot.frontends.discord.client import RaceBot

log = logging.getLogger(__name__)


class Errors(commands.Cog):
    def __init__(self, bot: RaceBot) -> None:
        self.bot = bot

    async def _say(self, ctx: commands.Context, text: str) -> None:
        await ctx.send(text, ephemeral=True)

    @commands.Cog.listener()
    async def on_command_error(self, ctx: commands.Context, error: commands.CommandError) -> None:
        if isinstance(error, commands.CommandNotFound):
            return  # another bot's prefix, or chatter: stay quiet
        if isinstance(error, commands.CommandOnCooldown):
            if self.bot.should_warn(ctx.author.id):
                await self._say(ctx, f"Slow down a little: try again in {error.retry_after:.0f}s.")
            return
        if isinstance(error, commands.NotOwner | commands.CheckFailure):
            await self._say(ctx, "Sorry, only the bot's maintainers can do that.")
            return
        if isinstance(error, commands.UserInputError) and ctx.command is not None:
            if ctx.command.name in NAMES:  # the core knows each command's usage
                engine, started = self.bot.engine, time.perf_counter()
                answer = run(engine, ctx.command.name, "")
                await self.bot.send_answer(ctx, answer, author_id=ctx.author.id, engine=engine,
                                           front_end="prefix", started=started)
            else:
                await self._say(ctx, f"Usage: `{ctx.clean_prefix}{ctx.command.qualified_name} "
                                     f"{ctx.command.signature}`")
            return
        error_id = uuid.uuid4().hex[:8]
        original = getattr(error, "original", error)
        log.error("error %s in %s", error_id, ctx.command, exc_info=original)
        await self._say(ctx, f"Something went wrong on my side. If it keeps happening, "
                             f"quote error id `{error_id}` to the maintainers.")


async def setup(bot: RaceBot) -> None:
    await bot.add_cog(Errors(bot))
