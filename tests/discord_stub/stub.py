"""DiscordStub: a loopback Discord (REST + gateway on 127.0.0.1) for end-to-end bot tests.

The stub owns a tiny world (users, guilds, channels, DM channels, messages, registered
commands, interactions), lets a test inject events as if a user acted (``send_message``,
``send_slash``, ``press_button``, ...), and records what the bot did over REST so the test can
assert on it (``requests``, ``messages_in``, ``interaction_responses``, ``wait_for_*``).
Every wait takes a timeout and raises ``TimeoutError`` with context instead of hanging.
"""

from __future__ import annotations

import asyncio
import copy
import secrets
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from . import payloads
from .gateway import GatewayMixin
from .rest import RecordedRequest, RestMixin

T = TypeVar("T")

ALL_PERMISSIONS = (1 << 53) - 1
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


@dataclass
class GuildState:
    """A guild as the stub models it; ``guild_payload`` turns it into GUILD_CREATE JSON."""

    id: int
    name: str
    owner_id: int
    everyone_permissions: int
    channels: dict[int, dict[str, Any]] = field(default_factory=dict)
    roles: dict[int, dict[str, Any]] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)  # user id -> role ids
    joined_at: str = field(default_factory=payloads.iso_now)


@dataclass
class InteractionRecord:
    """An interaction the stub dispatched, and everything the bot answered to it."""

    id: int
    type: int
    token: str
    channel_id: int
    guild_id: int | None
    user_id: int
    payload: dict[str, Any]
    message_id: int | None = None  # component interactions: the message holding the component
    original_message_id: int | None = None  # what /messages/@original refers to
    acknowledged: bool = False
    # dicts: kind ("callback", "followup", "edit_original", "edit_message", "delete_original",
    # "delete_message"), type (callback type), data (JSON sent), message_id
    responses: list[dict[str, Any]] = field(default_factory=list)


class DiscordStub(GatewayMixin, RestMixin):
    """Fake Discord API v10 + gateway for one discord.py client.

    Usage::

        stub = DiscordStub(bot_user_id=1, owner_id=2, application_id=1)
        await stub.start()
        stub.add_guild(10, channels=[11], members=[2])
        async with stub.running_bot(bot):
            await stub.send_message(channel_id=11, author_id=2, content="!ping")
            req = await stub.wait_for_request("POST", "/channels/11/messages")
        await stub.close()

    Create it inside the running event loop (its asyncio primitives bind to it). It serves one
    session per shard, from one bot or several processes (see gateway.py); build the world
    (add_guild/add_dm_channel) before running_bot, since guilds are announced at IDENTIFY (or
    use ``announce_guild`` afterwards).
    """

    def __init__(
        self,
        bot_user_id: int = 900000000000000001,
        owner_id: int = 900000000000000002,
        application_id: int | None = None,
        *,
        bot_name: str = "stub-bot",
        heartbeat_interval: int = 41250,
    ) -> None:
        self.bot_user_id = bot_user_id
        self.owner_id = owner_id
        # Modern applications share their id with the bot user, hence the default.
        self.application_id = application_id or bot_user_id
        self.application_flags = 0
        self.heartbeat_interval = heartbeat_interval
        self.new_id = payloads.SnowflakeFactory()
        self.users: dict[int, dict[str, Any]] = {}
        self.bot_user = {
            **self.add_user(bot_user_id, name=bot_name, bot=True),
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "locale": "en-US",
        }
        self.guilds: dict[int, GuildState] = {}
        self.dm_channels: dict[int, int] = {}  # channel id -> recipient user id
        self.stored_messages: dict[int, dict[str, Any]] = {}  # every message, user's and bot's
        self.deleted_message_ids: list[int] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None=global)
        self._command_ids: dict[tuple[str, int | None, int], int] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self._tokens: dict[str, InteractionRecord] = {}
        self._cond = asyncio.Condition()
        self._mark = 0  # len(requests) when the last event was dispatched
        self._mark_id = 0  # a snowflake taken when the last event was dispatched
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        self._init_rest()
        self._init_gateway()

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> DiscordStub:
        """Bind 127.0.0.1 on a free port and serve REST (/api/v10) and the gateway (/ws)."""
        # Short shutdown_timeout: aiohttp would otherwise wait 60 s for open websockets.
        self._runner = web.AppRunner(self._build_app(), handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        """Close gateway sockets and stop the server."""
        await self._close_sockets()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordStub:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What ``discord.http.Route.BASE`` must point at."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def running_bot(
        self,
        bot: Any,
        *,
        token: str = "stub-token",
        ready_timeout: float = 10.0,
        guild_ready_timeout: float = 0.05,
        close_timeout: float = 5.0,
    ) -> AbstractAsyncContextManager[Any]:
        """Run an already-constructed discord.Client/commands.Bot against this stub.

        See :func:`tests.discord_stub.harness.running_bot`.
        """
        from .harness import running_bot

        return running_bot(
            self,
            bot,
            token=token,
            ready_timeout=ready_timeout,
            guild_ready_timeout=guild_ready_timeout,
            close_timeout=close_timeout,
        )

    # -- world building (call before running_bot: guilds are announced at IDENTIFY) ---------

    def add_user(self, user_id: int, *, name: str | None = None, bot: bool = False) -> dict:
        """Register (or replace) a user; unknown ids are auto-created as ``user<id>``."""
        self.users[user_id] = payloads.user(user_id, name=name, bot=bot)
        return self.users[user_id]

    def user_payload(self, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_user_id:
            return self.bot_user
        return self.users.get(user_id) or self.add_user(user_id)

    def add_guild(
        self,
        guild_id: int,
        name: str = "Test",
        channels: Iterable[int | dict[str, Any]] = (),
        members: Iterable[int] = (),
        roles: Iterable[int | dict[str, Any]] = (),
        owner_id: int | None = None,
        *,
        member_roles: dict[int, Sequence[int]] | None = None,
        everyone_permissions: int = payloads.DEFAULT_PERMISSIONS,
        role_permissions: dict[int, int] | None = None,
    ) -> GuildState:
        """Create a guild the bot is in.

        ``channels``/``roles`` take ids (text channels / plain roles are generated) or full
        payload dicts. The @everyone role (id == guild id) and the bot's membership are added
        automatically; ``member_roles`` maps user id -> role ids; ``owner_id`` defaults to the
        stub's owner, who is also made a member.
        """
        owner = self.owner_id if owner_id is None else owner_id
        guild = GuildState(guild_id, name, owner, everyone_permissions)
        guild.roles[guild_id] = payloads.role(guild_id, guild_id, permissions=everyone_permissions)
        perms = role_permissions or {}
        for r in roles:
            data = (
                r if isinstance(r, dict) else payloads.role(r, guild_id, permissions=perms.get(r))
            )
            guild.roles[int(data["id"])] = data
        for pos, c in enumerate(channels):
            data = c if isinstance(c, dict) else payloads.text_channel(c, guild_id, position=pos)
            guild.channels[int(data["id"])] = {**data, "guild_id": str(guild_id)}
        for uid in (self.bot_user_id, owner, *members):
            guild.members[uid] = list((member_roles or {}).get(uid, ()))
            self.user_payload(uid)
        self.guilds[guild_id] = guild
        return guild

    async def announce_guild(self, guild_id: int, *, timeout: float = 5.0) -> None:
        """Dispatch GUILD_CREATE for a guild added while the bot runs (the bot "joins" it)."""
        await self.dispatch("GUILD_CREATE", self.guild_payload(guild_id), timeout=timeout,
                            shard=self.shard_of({"guild_id": guild_id}))

    async def set_overwrite(
        self, channel_id: int, target_id: int, *, allow: int = 0, deny: int = 0,
        member: bool = True, timeout: float = 5.0,
    ) -> None:
        """Set a channel's permission overwrite for a member (or a role, ``member=False``) and
        tell the bot with CHANNEL_UPDATE, as when an admin takes a permission away."""
        guild = self.channel_guild(channel_id)
        if guild is None:
            raise KeyError(f"{channel_id} is not a guild channel")
        channel = guild.channels[channel_id]
        kept = [o for o in channel.get("permission_overwrites", []) if o["id"] != str(target_id)]
        overwrite = {"id": str(target_id), "type": 1 if member else 0, "allow": str(allow),
                     "deny": str(deny)}
        channel["permission_overwrites"] = [*kept, overwrite]
        await self.dispatch("CHANNEL_UPDATE", dict(channel), timeout=timeout)

    async def delete_channel(self, channel_id: int, *, timeout: float = 5.0) -> None:
        """Delete a guild channel and tell the bot (CHANNEL_DELETE); REST on it then 404s."""
        guild = self.channel_guild(channel_id)
        if guild is None:
            raise KeyError(f"{channel_id} is not a guild channel")
        channel = guild.channels.pop(channel_id)
        await self.dispatch("CHANNEL_DELETE", channel, timeout=timeout)

    def add_dm_channel(self, channel_id: int, user_id: int) -> int:
        """Register a DM channel between the bot and ``user_id``."""
        self.dm_channels[channel_id] = user_id
        self.user_payload(user_id)
        return channel_id

    def channel_guild(self, channel_id: int) -> GuildState | None:
        return next((g for g in self.guilds.values() if channel_id in g.channels), None)

    def channel_payload(self, channel_id: int) -> dict[str, Any]:
        guild = self.channel_guild(channel_id)
        if guild is not None:
            return dict(guild.channels[channel_id])
        if channel_id in self.dm_channels:
            return payloads.dm_channel(channel_id, self.user_payload(self.dm_channels[channel_id]))
        raise KeyError(f"unknown channel {channel_id}: use add_guild()/add_dm_channel() first")

    def member_payload(
        self, guild_id: int, user_id: int, roles: Sequence[int] | None = None
    ) -> dict[str, Any]:
        guild = self.guilds[guild_id]
        role_ids = guild.members.get(user_id, []) if roles is None else roles
        return payloads.member(self.user_payload(user_id), list(role_ids), guild.joined_at)

    def guild_payload(self, guild_id: int) -> dict[str, Any]:
        """The GUILD_CREATE payload (full guild with channels, roles and members)."""
        g = self.guilds[guild_id]
        return {
            "id": str(g.id),
            "name": g.name,
            "owner_id": str(g.owner_id),
            "unavailable": False,
            "large": False,
            "lazy": True,
            "member_count": len(g.members),
            "joined_at": g.joined_at,
            "channels": list(g.channels.values()),
            "roles": list(g.roles.values()),
            "members": [self.member_payload(g.id, uid) for uid in g.members],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "icon": None,
            "splash": None,
            "banner": None,
            "description": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
        }

    def application_payload(self) -> dict[str, Any]:
        """GET /oauth2/applications/@me; ``owner`` is what ``Bot.is_owner`` checks."""
        return {
            "id": str(self.application_id),
            "name": self.bot_user["username"],
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": self.user_payload(self.owner_id),
            "team": None,
            "flags": self.application_flags,
            "bot": self.bot_user,
            "rpc_origins": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,  # non-null makes discord.py warn
            "tags": [],
            "approximate_guild_count": len(self.guilds),
        }

    def permissions_for(self, guild_id: int | None, user_id: int) -> int:
        """Guild-level permissions (@everyone + roles; owner/administrator -> everything)."""
        if guild_id is None:
            return ALL_PERMISSIONS
        g = self.guilds[guild_id]
        perms = g.everyone_permissions
        for rid in g.members.get(user_id, []):
            perms |= int(g.roles.get(rid, {}).get("permissions", 0))
        if user_id == g.owner_id or perms & payloads.ADMINISTRATOR:
            return ALL_PERMISSIONS
        return perms

    def command_id(self, name: str, guild_id: int | None = None, type: int = 1) -> int:
        """Id of a command: the one the bot registered, else a stable made-up one."""
        for key in (guild_id, None):
            for cmd in self.commands.get(key, []):
                if cmd["name"] == name and cmd.get("type", 1) == type:
                    return int(cmd["id"])
        return self._command_ids.setdefault((name, guild_id, type), self.new_id())

    def _guild_for(self, channel_id: int, guild_id: int | None) -> int | None:
        """The guild a channel belongs to (None for DM channels); validates ``guild_id``."""
        self.channel_payload(channel_id)  # raises KeyError for unknown channels
        guild = self.channel_guild(channel_id)
        actual = guild.id if guild else None
        if guild_id is not None and guild_id != actual:
            raise ValueError(f"channel {channel_id} is not in guild {guild_id}")
        return actual

    def _set_mark(self) -> None:
        self._mark = len(self.requests)
        self._mark_id = self.new_id()

    # -- events: what a user does -----------------------------------------------------------

    async def send_message(
        self,
        channel_id: int,
        author_id: int,
        content: str,
        guild_id: int | None = None,
        mentions: Iterable[int] = (),
        mention_roles: Iterable[int] = (),
        mention_everyone: bool = False,
        member_roles: Sequence[int] | None = None,
        *,
        embeds: list[dict[str, Any]] | None = None,
        reference_message_id: int | None = None,
        timeout: float = 5.0,
    ) -> int:
        """Dispatch MESSAGE_CREATE as if ``author_id`` wrote ``content``; returns the message id.

        ``guild_id`` is inferred from the channel (DM channels have none). ``member_roles``
        defaults to the roles given in add_guild. Mentions are taken as given, not parsed from
        ``content``.
        """
        gid = self._guild_for(channel_id, guild_id)
        message_id = self.new_id()
        extra: dict[str, Any] = {
            "mention_everyone": mention_everyone,
            "mention_roles": [str(r) for r in mention_roles],
            "embeds": embeds or [],
            "nonce": str(message_id),
        }
        mentioned = [dict(self.user_payload(u)) for u in mentions]
        if gid is not None:
            guild = self.guilds[gid]
            roles = guild.members.get(author_id, []) if member_roles is None else member_roles
            extra["member"] = payloads.member(None, list(roles), guild.joined_at)
            for m in mentioned:
                m_roles = guild.members.get(int(m["id"]), [])
                m["member"] = payloads.member(None, m_roles, guild.joined_at)
        extra["mentions"] = mentioned
        if reference_message_id is not None:
            ref = {"message_id": str(reference_message_id), "channel_id": str(channel_id)}
            if gid is not None:
                ref["guild_id"] = str(gid)
            extra.update(type=19, message_reference=ref)
            extra["referenced_message"] = self.stored_messages.get(reference_message_id)
        msg = payloads.message(
            message_id,
            channel_id,
            self.user_payload(author_id),
            content=content,
            guild_id=gid,
            **extra,
        )
        self.stored_messages[message_id] = msg
        await self.dispatch("MESSAGE_CREATE", msg, timeout=timeout)
        return message_id

    async def send_interaction(
        self,
        type: int,
        data: dict[str, Any],
        *,
        user_id: int,
        channel_id: int,
        guild_id: int | None = None,
        member_roles: Sequence[int] | None = None,
        permissions: str | int | None = None,
        message_id: int | None = None,
        timeout: float = 5.0,
    ) -> int:
        """Dispatch a raw INTERACTION_CREATE (any type, e.g. 5 = modal submit); returns its id.

        ``permissions`` is the member's channel permissions (default: computed from roles);
        ``message_id`` attaches the stored message (component interactions).
        """
        gid = self._guild_for(channel_id, guild_id)
        iid = self.new_id()
        token = f"itok{iid}{secrets.token_hex(8)}"
        perms = self.permissions_for(gid, user_id) if permissions is None else int(permissions)
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": type,
            "data": data,
            "token": token,
            "version": 1,
            "channel_id": str(channel_id),
            "channel": {**self.channel_payload(channel_id), "permissions": str(perms)},
            "app_permissions": str(self.permissions_for(gid, self.bot_user_id)),
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(gid or 0)},
            "context": 0 if gid is not None else 1,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if gid is not None:
            member = self.member_payload(gid, user_id, member_roles)
            payload.update(
                guild_id=str(gid),
                guild={"id": str(gid), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member={**member, "permissions": str(perms)},
            )
        else:
            payload["user"] = self.user_payload(user_id)
        if message_id is not None:
            payload["message"] = copy.deepcopy(self.stored_messages[message_id])
        record = InteractionRecord(
            iid,
            type,
            token,
            channel_id,
            gid,
            user_id,
            payload,
            message_id=message_id,
            original_message_id=message_id,
        )
        self.interactions[iid] = record
        self._tokens[token] = record
        await self.dispatch("INTERACTION_CREATE", payload, timeout=timeout)
        return iid

    async def _command_interaction(
        self,
        itype: int,
        name: str,
        options: list[dict[str, Any]] | None,
        *,
        user_id: int,
        channel_id: int,
        guild_id: int | None,
        member_roles: Sequence[int] | None,
        permissions: str | int | None,
        command_guild_id: int | None,
        resolved: dict[str, Any] | None,
        timeout: float,
    ) -> int:
        gid = self._guild_for(channel_id, guild_id)
        registered_here = any(c["name"] == name for c in self.commands.get(gid, []))
        if command_guild_id is None and gid is not None and registered_here:
            command_guild_id = gid  # the bot registered it as a guild command
        data: dict[str, Any] = {
            "id": str(self.command_id(name, command_guild_id)),
            "name": name,
            "type": 1,
            "options": options or [],
        }
        if command_guild_id is not None:
            data["guild_id"] = str(command_guild_id)
        resolved = resolved if resolved is not None else self._resolve_options(options or [], gid)
        if resolved:
            data["resolved"] = resolved
        return await self.send_interaction(
            itype,
            data,
            user_id=user_id,
            channel_id=channel_id,
            guild_id=gid,
            member_roles=member_roles,
            permissions=permissions,
            timeout=timeout,
        )

    def _resolve_options(self, options: list[dict[str, Any]], gid: int | None) -> dict:
        """Build ``resolved`` for user (6), channel (7), role (8), mentionable (9) options."""
        resolved: dict[str, dict[str, Any]] = {}
        for opt in options:
            if opt.get("type") in (1, 2):
                for key, items in self._resolve_options(opt.get("options", []), gid).items():
                    resolved.setdefault(key, {}).update(items)
                continue
            value, otype = opt.get("value"), opt.get("type")
            if value is None or otype not in (6, 7, 8, 9):
                continue
            vid = int(value)
            roles = self.guilds[gid].roles if gid is not None else {}
            if otype == 8 or (otype == 9 and vid in roles):
                resolved.setdefault("roles", {})[str(vid)] = roles[vid]
            elif otype == 7:
                chan = {**self.channel_payload(vid), "permissions": str(ALL_PERMISSIONS)}
                resolved.setdefault("channels", {})[str(vid)] = chan
            else:
                resolved.setdefault("users", {})[str(vid)] = self.user_payload(vid)
                if gid is not None and vid in self.guilds[gid].members:
                    member = self.member_payload(gid, vid)
                    member.pop("user")
                    member["permissions"] = str(self.permissions_for(gid, vid))
                    resolved.setdefault("members", {})[str(vid)] = member
        return resolved

    async def send_slash(
        self,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        user_id: int,
        channel_id: int,
        guild_id: int | None = None,
        member_roles: Sequence[int] | None = None,
        permissions: str | int | None = None,
        command_guild_id: int | None = None,
        resolved: dict[str, Any] | None = None,
        timeout: float = 5.0,
    ) -> int:
        """Dispatch a slash command (INTERACTION_CREATE type 2); returns the interaction id.

        ``options`` are raw Discord options (``{"name", "type", "value"}``; subcommands as
        type 1/2 with nested ``options``). The command id matches what the bot registered via
        PUT .../commands, if it did. ``data.guild_id`` is set when the bot registered ``name``
        as a guild command (or pass ``command_guild_id``) - discord.py's CommandTree looks
        guild commands up only under that id. ``resolved`` is built for user/role/channel
        options unless given.
        """
        return await self._command_interaction(
            2,
            name,
            options,
            user_id=user_id,
            channel_id=channel_id,
            guild_id=guild_id,
            member_roles=member_roles,
            permissions=permissions,
            command_guild_id=command_guild_id,
            resolved=resolved,
            timeout=timeout,
        )

    async def send_autocomplete(
        self,
        name: str,
        options: list[dict[str, Any]],
        *,
        user_id: int,
        channel_id: int,
        guild_id: int | None = None,
        member_roles: Sequence[int] | None = None,
        permissions: str | int | None = None,
        command_guild_id: int | None = None,
        timeout: float = 5.0,
    ) -> int:
        """Dispatch an autocomplete request (type 4); mark one option ``"focused": True``."""
        return await self._command_interaction(
            4,
            name,
            options,
            user_id=user_id,
            channel_id=channel_id,
            guild_id=guild_id,
            member_roles=member_roles,
            permissions=permissions,
            command_guild_id=command_guild_id,
            resolved={},
            timeout=timeout,
        )

    async def send_message_command(
        self,
        name: str,
        message_id: int,
        *,
        user_id: int,
        guild_id: int | None = None,
        member_roles: Sequence[int] | None = None,
        permissions: str | int | None = None,
        timeout: float = 5.0,
    ) -> int:
        """Run a message context-menu command (Apps -> ``name``) on a stored message: an
        APPLICATION_COMMAND interaction whose data has type 3, ``target_id`` and the message
        under ``resolved.messages``, as Discord sends it (content included whatever the
        intents). The command id is the one the bot registered as type 3, if it did."""
        msg = self.stored_messages.get(message_id)
        if msg is None:
            raise KeyError(f"message {message_id} is not stored by the stub")
        channel_id = int(msg["channel_id"])
        gid = self._guild_for(channel_id, guild_id)
        registered_here = any(c["name"] == name and c.get("type") == 3
                              for c in self.commands.get(gid, []))
        command_guild = gid if gid is not None and registered_here else None
        data: dict[str, Any] = {
            "id": str(self.command_id(name, command_guild, type=3)),
            "name": name,
            "type": 3,
            "target_id": str(message_id),
            "resolved": {"messages": {str(message_id): copy.deepcopy(msg)}},
        }
        if command_guild is not None:
            data["guild_id"] = str(command_guild)
        return await self.send_interaction(
            2,
            data,
            user_id=user_id,
            channel_id=channel_id,
            guild_id=gid,
            member_roles=member_roles,
            permissions=permissions,
            timeout=timeout,
        )

    async def send_component(
        self,
        message_id: int,
        custom_id: str,
        *,
        user_id: int,
        component_type: int = 2,
        values: list[str] | None = None,
        channel_id: int | None = None,
        guild_id: int | None = None,
        member_roles: Sequence[int] | None = None,
        permissions: str | int | None = None,
        timeout: float = 5.0,
    ) -> int:
        """Dispatch a MESSAGE_COMPONENT interaction (type 3) on a message the stub stored.

        The interaction carries the stored message exactly as the bot sent/last edited it,
        which is what discord.py's ViewStore keys on. Raises if ``custom_id`` is not on it.
        """
        msg = self.stored_messages.get(message_id)
        if msg is None:
            raise KeyError(f"message {message_id} is not stored by the stub")
        if custom_id not in _custom_ids(msg.get("components", [])):
            raise ValueError(f"message {message_id} has no component with custom_id {custom_id!r}")
        if channel_id is not None and str(channel_id) != msg["channel_id"]:
            raise ValueError(f"message {message_id} is not in channel {channel_id}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        return await self.send_interaction(
            3,
            data,
            user_id=user_id,
            channel_id=int(msg["channel_id"]),
            guild_id=guild_id,
            member_roles=member_roles,
            permissions=permissions,
            message_id=message_id,
            timeout=timeout,
        )

    async def press_button(
        self,
        message_id: int,
        custom_id: str,
        *,
        user_id: int,
        channel_id: int | None = None,
        guild_id: int | None = None,
        member_roles: Sequence[int] | None = None,
        timeout: float = 5.0,
    ) -> int:
        """Click a button (component_type 2) on a message the bot sent."""
        return await self.send_component(
            message_id,
            custom_id,
            user_id=user_id,
            channel_id=channel_id,
            guild_id=guild_id,
            member_roles=member_roles,
            timeout=timeout,
        )

    async def choose_select(
        self,
        message_id: int,
        custom_id: str,
        values: list[str],
        *,
        user_id: int,
        component_type: int = 3,
        timeout: float = 5.0,
    ) -> int:
        """Pick ``values`` in a select menu (component_type 3 = string select)."""
        return await self.send_component(
            message_id,
            custom_id,
            user_id=user_id,
            component_type=component_type,
            values=values,
            timeout=timeout,
        )

    # -- inspection ----------------------------------------------------------------------------

    def created_message_bodies(self, since: int = 0) -> list[dict[str, Any]]:
        """Every request body by which the bot created a message (REST sends, interaction
        callbacks, webhook followups), from request number ``since`` on: where to check
        what a message would ping (``allowed_mentions``)."""
        bodies = []
        for r in self.requests[since:]:
            creates = r.method == "POST" and (r.path.endswith(("/messages", "/callback"))
                                              or "/webhooks/" in r.path)
            if creates and isinstance(r.json, dict):
                body = r.json.get("data", r.json) if r.path.endswith("/callback") else r.json
                if body and ("content" in body or "embeds" in body):
                    bodies.append(body)
        return bodies

    def messages_in(self, channel_id: int) -> list[dict[str, Any]]:
        """Messages the bot posted in a channel (REST sends, interaction responses and
        followups; ephemeral ones included, check ``flags & 64``), oldest first, as currently
        stored (edits applied, deleted ones removed)."""
        return [
            m
            for m in self.stored_messages.values()
            if m["channel_id"] == str(channel_id) and m["author"]["id"] == str(self.bot_user_id)
        ]

    def message(self, message_id: int) -> dict[str, Any] | None:
        return self.stored_messages.get(message_id)

    def interaction_responses(self, interaction_id: int) -> list[dict[str, Any]]:
        """Callback, followups, edits and deletes the bot made for one interaction."""
        return self.interactions[interaction_id].responses

    def _delete_stored(self, message_id: int) -> None:
        self.stored_messages.pop(message_id, None)
        self.deleted_message_ids.append(message_id)

    async def _notify(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    async def _wait(
        self, find: Callable[[], T | None], timeout: float, what: Callable[[], str]
    ) -> T:
        async def waiter() -> T:
            async with self._cond:
                while (found := find()) is None:
                    await self._cond.wait()
                return found

        try:
            return await asyncio.wait_for(waiter(), timeout)
        except TimeoutError:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what()}") from None

    def _recent_requests(self) -> str:
        tail = [f"{r.method} {r.route} -> {r.status}" for r in self.requests[-10:]]
        return "; recent requests: " + (", ".join(tail) or "none")

    async def wait_for_request(
        self,
        method: str | None = None,
        path_contains: str = "",
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,
        *,
        since: int | None = None,
    ) -> RecordedRequest:
        """First *answered* request matching method/path/predicate with ``index >= since``.

        ``since`` defaults to the point the last event (send_message, send_slash, ...) was
        dispatched, so this means "the bot's reaction to what I just did"; pass ``since=0`` to
        search everything. Only requests whose response is done count, so the stub's state
        (messages_in, ...) already reflects them. ``status`` tells 429s apart from successes.
        """
        start = self._mark if since is None else since

        def find() -> RecordedRequest | None:
            for r in self.requests[start:]:
                if r.status is None or (method and r.method != method.upper()):
                    continue
                if path_contains in r.path and (predicate is None or predicate(r)):
                    return r
            return None

        return await self._wait(
            find, timeout, lambda: f"{method} *{path_contains}*" + self._recent_requests()
        )

    async def wait_for_message(
        self,
        channel_id: int,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """First bot message in ``channel_id`` created after the last dispatched event."""

        def find() -> dict[str, Any] | None:
            for m in self.messages_in(channel_id):
                if int(m["id"]) > self._mark_id and (predicate is None or predicate(m)):
                    return m
            return None

        return await self._wait(
            find, timeout, lambda: f"a bot message in {channel_id}" + self._recent_requests()
        )

    async def wait_for_interaction_response(
        self, interaction_id: int, kind: str = "callback", *, timeout: float = 5.0
    ) -> dict[str, Any]:
        """First response of ``kind`` ("callback", "followup", "edit_original", ...)."""
        record = self.interactions[interaction_id]

        def find() -> dict[str, Any] | None:
            return next((r for r in record.responses if r["kind"] == kind), None)

        return await self._wait(
            find,
            timeout,
            lambda: f"{kind} for interaction {interaction_id}" + self._recent_requests(),
        )


def _custom_ids(components: list[dict[str, Any]]) -> set[str]:
    """All custom_ids in a (possibly nested, v1 or v2) component tree."""
    found: set[str] = set()
    for c in components:
        if "custom_id" in c:
            found.add(c["custom_id"])
        found |= _custom_ids(c.get("components", []))
        if isinstance(c.get("accessory"), dict):
            found |= _custom_ids([c["accessory"]])
        if isinstance(c.get("component"), dict):
            found |= _custom_ids([c["component"]])
    return found
