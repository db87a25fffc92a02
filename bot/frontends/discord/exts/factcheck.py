"""Checking a message against the fact base: the "Check against the fact base"
message context menu (Apps, on any message), and `!check <text>` / `/check`.

The context menu answers ephemerally, to the person who asked only: the check is
about someone else's message, and the channel need not see it. Nor is it logged:
the text is not the asker's own.
"""

from __future__ import annotations

import asyncio
import time

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.router import DESCRIPTIONS
from bot.frontends.discord.client import RaceBot
from bot.frontends.discord.embeds import answer_pages
from bot.frontends.discord.paging import Paginator
from bot.frontends.discord.replies import NO_MENTIONS

MENU = "Check against the fact base"
QUICK = 1.5
"""seconds the check may take before the answer is deferred (Discord allows 3)"""


def message_text(message: discord.Message) -> str:
    """The words of a message, its embeds' included (another bot's answer, a link
    preview's title and description)."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.title or "", embed.description or ""]
        parts += [f"{f.name}: {f.value}" for f in embed.fields]
    return "\n".join(p for p in parts if p and p.strip())


class FactCheck(commands.Cog):
    def __init__(self, bot: RaceBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name=MENU, callback=self.check_message)
        bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def check_message(self, interaction: discord.Interaction,
                            message: discord.Message) -> None:
        text = message_text(message)
        if not text.strip():
            await interaction.response.send_message(
                "That message has no text I can check.", ephemeral=True,
                allowed_mentions=NO_MENTIONS)
            return
        engine = self.bot.engine
        work = asyncio.ensure_future(asyncio.to_thread(engine.check, text))
        done, _ = await asyncio.wait({work}, timeout=QUICK)
        if not done:  # a huge base, a busy machine: acknowledge in time, answer after
            await interaction.response.defer(ephemeral=True, thinking=True)
        pages = answer_pages(await work, engine.kb.short_version)
        extra = {"view": Paginator(pages, interaction.user.id)} if len(pages) > 1 else {}
        if interaction.response.is_done():
            await interaction.followup.send(embed=pages[0], ephemeral=True,
                                            allowed_mentions=NO_MENTIONS, **extra)
        else:
            await interaction.response.send_message(embed=pages[0], ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS, **extra)

    async def cog_check(self, ctx: commands.Context) -> bool:
        """As the other answers: where the bot may not embed, it says so in plain words."""
        if ctx.interaction is None and not ctx.bot_permissions.embed_links:
            raise commands.BotMissingPermissions(["embed_links"])
        return True

    @commands.hybrid_command(name="check", description=DESCRIPTIONS["check"])
    @app_commands.describe(text="e.g. DeepSeek's R1 cost $5.6M to train")
    async def check(self, ctx: commands.Context, *, text: str) -> None:
        engine, started = self.bot.engine, time.perf_counter()
        await self.bot.send_answer(ctx, engine.check(text), author_id=ctx.author.id, engine=engine,
                                   front_end="slash" if ctx.interaction else "prefix",
                                   started=started)


async def setup(bot: RaceBot) -> None:
    await bot.add_cog(FactCheck(bot))
