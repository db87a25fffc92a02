"""`/news subscribe|unsubscribe|list`: server admins have a channel told what each
reload adds or changes, and the posting of that news after a reload.

Every process that installs a reload posts (the `knowledge_reloaded` event fires
there: the one that ran it and, with REDIS_URL, each of the fleet); the store's
`claim` keeps it to one post per channel and reload across the processes
sharing the database, and a process whose store is its own (SQLite on its own
machine) still posts to the channels subscribed there. A channel the bot can no
longer post in is logged each time and dropped after MAX_FAILURES posts in a row.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import Engine
from bot.core.digest import Newsfeed, name_entities
from bot.frontends.discord.bulletins import digest_embed
from bot.frontends.discord.client import RaceBot
from bot.frontends.discord.replies import NO_MENTIONS
from bot.knowledge.diff import KnowledgeDiff
from bot.services.subscriptions import MAX_FAILURES, StoreError, Subscription, SubscriptionStore, open_store
from bot.shared.formats import human_join

log = logging.getLogger(__name__)
T = TypeVar("T")

OFF = "The news feed keeps its list in the bot's database, which is off here (QUERY_LOG=off)."
CHOICE = 100
"""Discord's limit on an autocomplete choice's name and value"""
BROKEN = "The news feed's list can't be read or written right now: try again later."


def _can_post(channel: discord.abc.GuildChannel) -> bool:
    perms = channel.permissions_for(channel.guild.me)
    return perms.view_channel and perms.send_messages and perms.embed_links


class News(commands.Cog):
    news = app_commands.Group(name="news", description="Server admins: a channel gets the new "
                              "facts of every reload.", guild_only=True,
                              default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: RaceBot, store: SubscriptionStore | None) -> None:
        self.bot = bot
        self.store = store

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Subscriptions are a server's: in a DM, say that, not "you need Manage Server"."""
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        return True

    async def cog_unload(self) -> None:
        close = getattr(self.store, "close", None)
        if close is not None:
            await asyncio.to_thread(close)

    # --- what admins do -------------------------------------------------------------

    async def _say(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def _stored(self, interaction: discord.Interaction,
                      work: Callable[[SubscriptionStore], T]) -> T | None:
        """`work` on the store, off the event loop; None, with the user told why, when
        there is no store or it fails."""
        if self.store is None:
            await self._say(interaction, OFF)
            return None
        try:
            return await asyncio.to_thread(work, self.store)
        except StoreError as exc:
            log.warning("news: %s", exc)
            await self._say(interaction, BROKEN)
            return None

    def _names(self, entity_ids: tuple[str, ...]) -> str:
        kb = self.bot.engine.kb
        return human_join(kb.entities[e].name if e in kb.entities else e for e in entity_ids)

    @news.command(name="subscribe", description="Post the new facts of every reload in a channel.")
    @app_commands.describe(channel="Where to post the news",
                           entities="Optional: only these companies or models, e.g. deepseek qwen")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def subscribe(self, interaction: discord.Interaction, channel: discord.TextChannel,
                        entities: str = "") -> None:
        assert interaction.guild is not None  # guild_only
        ids: tuple[str, ...] = ()
        if entities.strip():
            ids, problem = name_entities(self.bot.engine, entities)
            if problem:
                await self._say(interaction, problem)
                return
        target = interaction.guild.get_channel(channel.id)
        if not isinstance(target, discord.abc.GuildChannel) or not _can_post(target):
            await self._say(interaction, f"I can't post in {channel.mention}: I need View Channel, "
                            "Send Messages and Embed Links there.")
            return
        guild_id = interaction.guild.id
        done = await self._stored(interaction, lambda store: store.subscribe(guild_id, channel.id, ids))
        if done is None:
            return
        about = f"about {self._names(ids)} (and what they make)" if ids else "about anything"
        await self._say(interaction, f"{channel.mention} will get the new facts {about} after "
                                     "every reload that adds or changes some.")

    @subscribe.autocomplete("entities")
    async def complete_entities(self, _: discord.Interaction, current: str
                                ) -> list[app_commands.Choice[str]]:
        """Completes the last of the names typed so far, comma-separated: "deepseek, qw"."""
        head, comma, last = current[:CHOICE].rpartition(",")
        before = f"{head.strip()}, " if comma and head.strip() else ""
        engine = self.bot.engine
        choices = []
        for _label, eid in engine.complete(last.strip(), limit=25):
            value = before + engine.name(eid)
            if len(value) <= CHOICE:
                choices.append(app_commands.Choice(name=value, value=value))
        return choices

    @news.command(name="unsubscribe", description="Stop posting the news in a channel.")
    @app_commands.describe(channel="The channel that gets the news")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def unsubscribe(self, interaction: discord.Interaction,
                          channel: discord.TextChannel) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        removed = await self._stored(interaction,
                                     lambda store: store.unsubscribe(guild_id, channel.id))
        if removed is not None:
            await self._say(interaction, f"{channel.mention} will no longer get the news." if removed
                            else f"{channel.mention} doesn't get the news.")

    @news.command(name="list", description="Which channels of this server get the news.")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def list_(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        subscriptions = await self._stored(interaction, lambda store: store.in_guild(guild_id))
        if subscriptions is None:
            return
        if not subscriptions:
            await self._say(interaction, "No channel here gets the news: `/news subscribe`.")
            return
        lines = [f"<#{s.channel_id}>: " + (self._names(s.entities) if s.entities else "everything")
                 for s in subscriptions]
        await self._say(interaction, "\n".join(["Channels that get the news:", *lines])[:2000])

    # --- after a reload ---------------------------------------------------------------

    @commands.Cog.listener()
    async def on_knowledge_reloaded(self, old: Engine, new: Engine, changes: KnowledgeDiff) -> None:
        if self.store is None:
            return
        feed = await asyncio.to_thread(Newsfeed, old.kb, new, changes)
        if not feed:
            return
        try:
            subscriptions = await asyncio.to_thread(self.store.everything)
        except StoreError as exc:
            log.warning("news: no news posted after reload to %s: %s", changes.new_version, exc)
            return
        # each distinct choice of entities once, in a thread: a big reload has many facts
        digests = await asyncio.to_thread(
            lambda: {e: feed.for_entities(e) for e in {s.entities for s in subscriptions}})
        reload = f"{changes.old_version}>{changes.new_version}"
        for subscription in subscriptions:
            digest = digests[subscription.entities]
            if digest is not None:
                await self._post(subscription, digest_embed(digest), reload)

    async def _post(self, subscription: Subscription, embed: discord.Embed, reload: str) -> None:
        store, channel_id = self.store, subscription.channel_id
        assert store is not None
        try:
            if not await asyncio.to_thread(store.claim, channel_id, reload):
                return  # another process has posted this reload here
            channel = self.bot.get_channel(channel_id)
            if channel is None:  # not in this process's cache (another shard's): Discord says
                channel = self.bot.get_partial_messageable(channel_id,
                                                           guild_id=subscription.guild_id)
            elif not isinstance(channel, discord.abc.GuildChannel | discord.Thread) \
                    or not _can_post(channel):  # no longer ours to post in
                await self._failed(subscription, "the bot may not post in it")
                return
            try:
                await channel.send(embed=embed, allowed_mentions=NO_MENTIONS)
            except (discord.Forbidden, discord.NotFound) as exc:
                await self._failed(subscription, f"{exc.status} {exc.text or type(exc).__name__}")
                return
            except discord.HTTPException as exc:  # Discord's trouble, not the channel's
                log.warning("news: could not post in channel %s: %s", channel_id, exc)
                return
            await asyncio.to_thread(store.delivered, subscription.guild_id, channel_id)
        except StoreError as exc:
            log.warning("news: %s", exc)

    async def _failed(self, subscription: Subscription, why: str) -> None:
        assert self.store is not None
        dropped = await asyncio.to_thread(self.store.failed, subscription.guild_id,
                                          subscription.channel_id)
        log.warning("news: cannot post in channel %s of guild %s (%s)%s", subscription.channel_id,
                    subscription.guild_id, why,
                    f"; subscription dropped after {MAX_FAILURES} failures" if dropped else "")


async def setup(bot: RaceBot) -> None:
    await bot.add_cog(News(bot, open_store(bot.settings.query_log)))
