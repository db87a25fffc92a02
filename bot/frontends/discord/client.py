"""The Discord client: settings, the current engine, and plain-message questions."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import Answer, Engine, route
from bot.core.answers import Kind
from bot.frontends.discord.attachments import CardButton, draw
from bot.frontends.discord.embeds import answer_pages
from bot.frontends.discord.feedback import VoteButton, add_vote_buttons
from bot.frontends.discord.paging import Paginator
from bot.frontends.discord.replies import NO_MENTIONS
from bot.frontends.discord.translations import Translator
from bot.knowledge import KnowledgeError, Loader
from bot.knowledge.diff import KnowledgeDiff, diff
from bot.output.pictures import PictureCache, warm_up
from bot.services.fleet import Fleet, FleetTimings, ReloadReport
from bot.services.querylog import QueryLog, alog_answer
from bot.shared.settings import Settings

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.frontends.discord.exts.questions", "bot.frontends.discord.exts.admin",
              "bot.frontends.discord.exts.news", "bot.frontends.discord.exts.factcheck",
              "bot.frontends.discord.exts.errors")
RATE, PER = 4, 8.0
"""per user: at most RATE commands or questions every PER seconds"""
VOTABLE = frozenset({Kind.ANSWER, Kind.COMPARISON, Kind.ENTITY, Kind.NOT_FOUND, Kind.PICTURE})


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    diff: KnowledgeDiff | None = None
    problems: tuple[str, ...] = ()
    fleet: ReloadReport | None = None
    """with REDIS_URL: which processes took the new version"""


class RaceBot(commands.AutoShardedBot):
    """commands.Bot's sharded flavour works unsharded too (shard_count None
    means one shard), so one class serves both."""

    def __init__(self, settings: Settings, engine: Engine, loader: Loader,
                 *, message_content: bool = True, sync_guild: int | None = None,
                 fleet_timings: FleetTimings | None = None) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(
            command_prefix=commands.when_mentioned_or(settings.bot_prefix),
            intents=intents,
            help_command=None,
            allowed_mentions=NO_MENTIONS,
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) if settings.shard_ids else None,
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True,
                                                            private_channel=True),
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
        )
        self.settings = settings
        self.engine = engine
        self.loader = loader
        self.pictures = PictureCache()
        """PNGs drawn for this bot, per fact-base version"""
        self.sync_guild = sync_guild
        self.reload_lock = asyncio.Lock()
        self.cooldown = commands.Cooldown(RATE, PER)
        self.cooldowns = commands.CooldownMapping(self.cooldown, commands.BucketType.user)
        self._warned: dict[int, float] = {}
        self.fleet: Fleet | None = None
        """shared state with the other processes (REDIS_URL), or None: one process"""
        if settings.redis_url:
            shards = settings.shard_ids or tuple(range(settings.shard_count or 1))
            self.fleet = Fleet(settings.redis_url, shards=shards, shard_count=settings.shard_count or 1,
                               install=self._install, serving=lambda: self.engine.kb.version,
                               local_root=loader.root, timings=fleet_timings)
        self._fleet_notices: dict[int, bool] = {}
        self.max_concurrency = 1
        self._closing: set[asyncio.Task] = set()
        self.add_check(self._rate_limit)
        self.querylog = QueryLog.from_setting(settings.query_log)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(VoteButton, CardButton)
        await self.tree.set_translator(Translator())  # zh-CN names of the slash commands
        # Load the drawing libraries now, in a thread, not on the first user's time.
        self.loop.run_in_executor(None, warm_up)
        for name in EXTENSIONS:
            await self.load_extension(name)
        if self.fleet is not None:
            await self._join_fleet(self.fleet)
        if self.sync_guild:  # opt-in for development: never sync on every start
            guild = discord.Object(self.sync_guild)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)

    # --- the fleet (REDIS_URL) ----------------------------------------------

    async def _join_fleet(self, fleet: Fleet) -> None:
        """Before the first IDENTIFY: the shard leases (LeaseRefused stops the start), the
        fleet's current version, and Discord's max_concurrency for identify pacing."""
        fleet.on_lease_lost = lambda _: self._closing.add(asyncio.create_task(self.close()))
        try:
            self.max_concurrency = (await self.http.get_bot_gateway())[2]["max_concurrency"]
        except (discord.DiscordException, KeyError, TypeError):
            log.warning("could not read max_concurrency from /gateway/bot: pacing identifies as 1")
        await fleet.start()

    async def _install(self, loader: Loader) -> tuple[str, ...]:
        """What the fleet calls with another process's validated files: the same swap as
        a reload, so answers in flight finish on the engine they started with."""
        return (await self.reload_knowledge(loader)).problems

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """With Redis, identifies across every process share Discord's max_concurrency
        buckets (one per bucket every 5 s); without it, discord.py's own 5 s pause."""
        if self.fleet is not None and self.fleet.available and \
                await self.fleet.pace_identify(shard_id or 0, self.max_concurrency):
            return
        await super().before_identify_hook(shard_id, initial=initial)

    async def close(self) -> None:
        await super().close()
        if self.fleet is not None:
            await self.fleet.close()  # gives up the leases: a replacement may start at once

    # --- rate limiting --------------------------------------------------

    async def retry_after(self, message: discord.Message) -> float | None:
        """With Redis, one atomic step shared by every process (so a burst spread over
        guilds on different shards is limited once); while Redis cannot answer, this
        process's own cooldowns."""
        if self.fleet is not None:
            verdict = await self.fleet.hit(message.author.id, RATE, PER)
            if verdict is not None:
                retry, notice = verdict
                if retry:
                    if len(self._fleet_notices) > 10_000:  # slash commands never ask: forget
                        self._fleet_notices.clear()
                    self._fleet_notices[message.author.id] = notice
                return retry
        return self.cooldowns.get_bucket(message).update_rate_limit()

    def should_warn(self, user_id: int) -> bool:
        """One cooldown notice per window, so a burst gets a bounded number of replies."""
        shared = self._fleet_notices.pop(user_id, None)
        if shared is not None:  # the fleet decided it with the cooldown itself
            return shared
        now = time.monotonic()
        if now - self._warned.get(user_id, 0.0) < PER:
            return False
        if len(self._warned) > 10_000:  # forget windows long over, so this stays small
            self._warned = {u: t for u, t in self._warned.items() if now - t < PER}
        self._warned[user_id] = now
        return True

    async def _rate_limit(self, ctx: commands.Context) -> bool:
        retry = await self.retry_after(ctx.message)
        if retry:
            raise commands.CommandOnCooldown(self.cooldown, retry, commands.BucketType.user)
        return True

    # --- questions in DMs and mentions ------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        content = message.content
        in_dm = message.guild is None
        if not in_dm and not content.startswith(self.settings.bot_prefix) \
                and self.user not in message.mentions:
            return  # chatter: ignored before any parsing
        ctx = await self.get_context(message)
        if ctx.valid:
            await self.invoke(ctx)
            return
        mentioned = ctx.prefix is not None and ctx.prefix != self.settings.bot_prefix
        if in_dm or mentioned:
            question = content[len(ctx.prefix):] if ctx.prefix else content
            await self.answer_question(message, question)

    async def answer_question(self, message: discord.Message, question: str) -> None:
        retry = await self.retry_after(message)
        if retry:
            if self.should_warn(message.author.id):
                await message.channel.send(f"Slow down a little: try again in {retry:.0f}s.")
            return
        engine, started = self.engine, time.perf_counter()
        answer = route(engine, question)
        front_end = "dm" if message.guild is None else "mention"
        await self.send_answer(message.channel, answer, author_id=message.author.id,
                               engine=engine, front_end=front_end, started=started)

    async def send_answer(self, destination, answer: Answer, *, author_id: int, engine: Engine,
                          front_end: str, started: float) -> None:
        """Log, then send through a channel or a command context alike: paged
        when long, with feedback buttons when the answer was logged."""
        latency_ms = (time.perf_counter() - started) * 1000
        query_id = await alog_answer(self.querylog, front_end, answer, engine, latency_ms)
        pages = answer_pages(answer, engine.kb.short_version)
        view = Paginator(pages, author_id) if len(pages) > 1 else discord.ui.View(timeout=600)
        if query_id is not None and answer.kind in VOTABLE:
            add_vote_buttons(view, query_id)
        extra: dict = {"view": view} if view.children else {}
        if answer.picture is not None:
            if isinstance(destination, commands.Context):
                await destination.defer()  # drawing may pass the 3-second deadline
            file = await draw(engine, answer, self.pictures)
            if file is not None:
                pages[0].set_image(url=f"attachment://{file.filename}")
                extra["file"] = file
        elif answer.kind is Kind.COMPARISON and CardButton.fits(answer.entities):
            view.add_item(CardButton(answer.entities))
            extra["view"] = view
        message = await destination.send(embed=pages[0], **extra)
        if isinstance(view, Paginator):
            view.message = message

    # --- reload -------------------------------------------------------------

    async def reload_knowledge(self, loader: Loader | None = None) -> ReloadResult:
        """Build the new engine in a thread; one assignment swaps it in, so
        answers already running finish on the engine they started with. A reload of
        our own files (no `loader`) then goes to every process of the fleet."""
        async with self.reload_lock:
            try:
                new, changes, retired = await asyncio.to_thread(self._build, self.engine,
                                                                loader or self.loader)
            except KnowledgeError as exc:
                return ReloadResult(False, problems=tuple(str(p) for p in exc.problems))
            old, self.engine = self.engine, new
            # for the news feed: every process that installs a reload, the fleet's too, posts
            # what its store holds; the store's claim keeps it to one post per channel
            self.dispatch("knowledge_reloaded", old, new, changes)
            await asyncio.to_thread(_release, retired)
        report = None
        if self.fleet is not None and loader is None:
            report = await self.fleet.share(new.kb.version)
        return ReloadResult(True, diff=changes, fleet=report)

    def _build(self, old: Engine, loader: Loader) -> tuple[Engine, KnowledgeDiff, list]:
        """In a worker thread, everything a reload costs, the diff included (comparing
        100,000 facts on the event loop stalled it for 0.2-0.6 s; see bench/reload_stall.py).
        `retired` holds the old base's entries so that they are freed by `_release`, a piece
        at a time, and not all at once on the event loop when the old engine goes."""
        new = Engine(loader.load(), previous=old)
        kb = old.kb
        retired = [*kb.facts.values(), *kb.entities.values(), *kb.sources.values()]
        return new, diff(kb, new.kb), retired


def _release(retired: list) -> None:
    """Drop the old base's entries one by one, in a worker thread: freeing 100,000 facts
    in one go holds the GIL, and so the event loop, for about 0.2 s; a Python loop lets
    the interpreter switch threads every few milliseconds."""
    while retired:
        retired.pop()
