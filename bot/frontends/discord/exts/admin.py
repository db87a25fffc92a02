"""Maintainers' commands: reload the fact base, show what is loaded, sync slash commands."""

from __future__ import annotations

import asyncio
import io
import logging
import time

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import Engine
from bot.frontends.discord.client import RaceBot
from bot.frontends.discord.embeds import clip
from bot.services.fleet import Fleet, shard_ranges
from bot.services.gaps import render, weekly_series
from bot.services.querylog import QueryLog
from bot.shared.formats import plural

log = logging.getLogger(__name__)
MAX_PROBLEMS = 15


class NotMaintainer(commands.CheckFailure):
    pass


async def is_maintainer(ctx: commands.Context) -> bool:
    """The application owner, or a user or role named in the settings. Checked
    in code even for /reload, whose default_permissions only hide it."""
    bot: RaceBot = ctx.bot
    settings = bot.settings
    roles = {r.id for r in getattr(ctx.author, "roles", ())}
    if (ctx.author.id in settings.maintainer_user_ids or roles & settings.maintainer_role_ids
            or await bot.is_owner(ctx.author)):
        return True
    log.warning("refused %s to user %s", ctx.command, ctx.author.id)
    raise NotMaintainer("Only maintainers can do that.")


class Admin(commands.Cog):
    def __init__(self, bot: RaceBot) -> None:
        self.bot = bot

    @commands.hybrid_command(description="Maintainers: re-read knowledge/ and swap it in.")
    @app_commands.default_permissions(administrator=True)
    @commands.check(is_maintainer)
    async def reload(self, ctx: commands.Context) -> None:
        await ctx.defer()
        result = await self.bot.reload_knowledge()
        if result.ok:
            assert result.diff is not None
            lines = result.diff.lines()
            if result.fleet is not None:  # REDIS_URL: how far the new version went
                lines = [f"**{result.fleet.line()}**", *lines]
            embed = discord.Embed(title=f"Reloaded: version {result.diff.new_version}",
                                  description=clip("\n".join(lines), 4096), colour=0x3BA55C)
            embed.set_footer(text=f"was {result.diff.old_version} · {self.bot.engine.kb.summary()}")
            log.info("reload by %s: %s -> %s", ctx.author.id, result.diff.old_version,
                     result.diff.new_version)
        else:
            shown = list(result.problems[:MAX_PROBLEMS])
            if len(result.problems) > MAX_PROBLEMS:
                shown.append(f"…and {len(result.problems) - MAX_PROBLEMS} more "
                             "(run `python -m bot validate` for all)")
            embed = discord.Embed(
                title=f"Reload refused: {plural(len(result.problems), 'problem')}",
                description=clip("\n".join(f"• `{p}`" for p in shown), 4096), colour=0xED4245)
            embed.set_footer(text=f"Still answering from version {self.bot.engine.kb.short_version}")
        await ctx.send(embed=embed)

    @commands.hybrid_command(description="Maintainers: what to add to the fact base, from what people asked.")
    @app_commands.default_permissions(administrator=True)
    @app_commands.describe(days="Only the last N days (default: all)")
    @commands.check(is_maintainer)
    async def gaps(self, ctx: commands.Context, days: commands.Range[int, 1, 3650] | None = None
                   ) -> None:
        querylog = self.bot.querylog
        if not querylog.enabled:
            await ctx.send("The query log is off (QUERY_LOG=off) or unavailable.", ephemeral=True)
            return
        await ctx.defer(ephemeral=True)
        try:
            text, png = await asyncio.to_thread(_gaps, querylog, days, self.bot.engine)
        except OSError:  # QueryLogError too: the database cannot be read
            log.exception("gaps report failed")
            await ctx.send("The query log cannot be read right now.", ephemeral=True)
            return
        files = [discord.File(io.BytesIO(png), filename="questions-per-week.png")]
        shown = clip(text, 2000 - 8)
        if shown != text:  # the whole report, beside the part a message holds
            files.append(discord.File(io.BytesIO(text.encode()), filename="gaps-report.txt"))
        await ctx.send(f"```\n{shown}\n```", ephemeral=True, files=files)

    @commands.hybrid_command(description="Which fact base is loaded.")
    async def kbinfo(self, ctx: commands.Context) -> None:
        kb = self.bot.engine.kb
        embed = discord.Embed(title=f"Fact base {kb.short_version}", description=kb.summary(),
                              timestamp=kb.loaded_at)
        embed.set_footer(text="Loaded")
        if self.bot.fleet is not None:
            embed.add_field(name="Fleet", value=clip(await fleet_lines(self.bot.fleet), 1024),
                            inline=False)
        await ctx.send(embed=embed)

    @commands.command(hidden=True)
    @commands.is_owner()
    async def sync(self, ctx: commands.Context, scope: str = "global") -> None:
        """`!sync` (global), `!sync guild` (this server only, for testing),
        `!sync clear` (remove this server's copies): only on demand."""
        tree = self.bot.tree
        if scope == "global":
            synced = await tree.sync()
        elif ctx.guild is None:
            await ctx.send("`guild` and `clear` need to be run in a server.")
            return
        elif scope == "guild":
            tree.copy_global_to(guild=ctx.guild)
            synced = await tree.sync(guild=ctx.guild)
        elif scope == "clear":
            tree.clear_commands(guild=ctx.guild)
            synced = await tree.sync(guild=ctx.guild)
        else:
            await ctx.send("Use `sync`, `sync guild` or `sync clear`.")
            return
        await ctx.send(f"Synced {plural(len(synced), 'command')} ({scope}).")


async def fleet_lines(fleet: Fleet) -> str:
    """Every process: its shards, the version it serves, when it last checked in."""
    status = await fleet.status()
    if status is None:
        return f"Redis unreachable: this process ({fleet.name}) answers on its own."
    now = time.time()
    lines = [f"current: version {status.version[:10]}, generation {status.generation}"]
    lines += [f"• {m.name}: shards {shard_ranges(m.shards)} · version {m.version[:10]} · "
              f"checked in {max(0, now - m.checked_in):.0f} s ago" for m in status.members]
    return "\n".join(lines)


def _gaps(querylog: QueryLog, days: int | None, engine: Engine) -> tuple[str, bytes]:
    """The report and its weekly picture, in a worker thread: reading the log and
    drawing both take longer than the event loop may wait."""
    from bot.output.pictures.weekly import render_weekly  # matplotlib: loaded on first use

    report = querylog.report(days, engine=engine)
    return render(report), render_weekly(weekly_series(report))


async def setup(bot: RaceBot) -> None:
    await bot.add_cog(Admin(bot))
