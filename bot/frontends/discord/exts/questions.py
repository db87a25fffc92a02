"""The question-answering commands, each a hybrid command: `!compare` and `/compare`."""

from __future__ import annotations

import time

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import Answer, Engine, run
from bot.core.router import DESCRIPTIONS
from bot.frontends.discord.client import RaceBot

MAX_CHOICE = 100


def rest_of_line(ctx: commands.Context) -> str:
    """Everything after the command name, so `!compare hugging face deepseek`
    needs no quotes: the core's linker splits the names."""
    content = ctx.message.content
    start = content.find(ctx.invoked_with or "", len(ctx.prefix or ""))
    return content[start + len(ctx.invoked_with or ""):].strip()


class Answers(commands.Cog):
    def __init__(self, bot: RaceBot) -> None:
        self.bot = bot

    async def cog_check(self, ctx: commands.Context) -> bool:
        """Answers are embeds: where the bot may not embed, it says so in plain words, not
        with an error id for Discord's 403. Slash answers are the interaction's webhook
        reply, which the bot's channel permissions do not govern."""
        if ctx.interaction is None and not ctx.bot_permissions.embed_links:
            raise commands.BotMissingPermissions(["embed_links"])
        return True

    async def reply(self, ctx: commands.Context, command: str, text: str) -> None:
        engine, started = self.bot.engine, time.perf_counter()  # one engine per answer
        await self.send(ctx, run(engine, command, text), engine, started)

    async def send(self, ctx: commands.Context, answer: Answer, engine: Engine,
                   started: float) -> None:
        front_end = "slash" if ctx.interaction else "prefix"
        await self.bot.send_answer(ctx, answer, author_id=ctx.author.id, engine=engine,
                                   front_end=front_end, started=started)

    @commands.hybrid_command(description=DESCRIPTIONS["compare"])
    @app_commands.describe(first="A company or model", second="Another one",
                           third="Optional third", fourth="Optional fourth")
    async def compare(self, ctx: commands.Context, first: str, second: str,
                      third: str | None = None, fourth: str | None = None) -> None:
        if ctx.interaction is None:
            await self.reply(ctx, "compare", rest_of_line(ctx))
            return
        names = [n for n in (first, second, third, fourth) if n]
        engine, started = self.bot.engine, time.perf_counter()
        await self.send(ctx, engine.compare(names), engine, started)

    @commands.hybrid_command(description=DESCRIPTIONS["about"])
    @app_commands.describe(name="A company, model, platform or group")
    async def about(self, ctx: commands.Context, *, name: str) -> None:
        await self.reply(ctx, "about", name)

    @commands.hybrid_command(description=DESCRIPTIONS["ask"])
    @app_commands.describe(question="e.g. what did DeepSeek release?")
    async def ask(self, ctx: commands.Context, *, question: str) -> None:
        await self.reply(ctx, "ask", question)

    @commands.hybrid_command(description=DESCRIPTIONS["timeline"])
    @app_commands.describe(name="Optional: one company or model")
    async def timeline(self, ctx: commands.Context, *, name: str = "") -> None:
        await self.reply(ctx, "timeline", name)

    @commands.hybrid_command(description=DESCRIPTIONS["sources"])
    @app_commands.describe(name="Optional: only sources about this entity")
    async def sources(self, ctx: commands.Context, *, name: str = "") -> None:
        await self.reply(ctx, "sources", name)

    @commands.hybrid_command(description=DESCRIPTIONS["entities"])
    @app_commands.describe(kind="Optional: company, model, platform, ...")
    async def entities(self, ctx: commands.Context, *, kind: str = "") -> None:
        await self.reply(ctx, "entities", kind)

    @commands.hybrid_command(description=DESCRIPTIONS["landscape"])
    @app_commands.describe(name="Optional: draw only this entity and its neighbours")
    async def landscape(self, ctx: commands.Context, *, name: str = "") -> None:
        await self.reply(ctx, "landscape", name)

    @commands.hybrid_command(name="help", description=DESCRIPTIONS["help"])
    async def help_(self, ctx: commands.Context) -> None:
        await self.reply(ctx, "help", "")

    @compare.autocomplete("first")
    @compare.autocomplete("second")
    @compare.autocomplete("third")
    @compare.autocomplete("fourth")
    @about.autocomplete("name")
    @timeline.autocomplete("name")
    @sources.autocomplete("name")
    @landscape.autocomplete("name")
    async def entity_autocomplete(self, _: discord.Interaction, current: str
                                  ) -> list[app_commands.Choice[str]]:
        """Fuzzy-ranked entity names: a prefix lookup and a typo search, well
        inside the 3-second interaction deadline (about a millisecond)."""
        return [app_commands.Choice(name=label[:MAX_CHOICE], value=eid[:MAX_CHOICE])
                for label, eid in self.bot.engine.complete(current[:MAX_CHOICE], limit=25)]


async def setup(bot: RaceBot) -> None:
    await bot.add_cog(Answers(bot))
