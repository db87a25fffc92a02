"""JSON payload builders shaped like Discord API v10 objects.

discord.py parses many keys with ``data["key"]`` (KeyError if missing), so every builder fills
the keys discord.py 2.7 indexes directly and gives the rest Discord's usual defaults.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38

#: What @everyone may do in a stub guild unless ``add_guild(everyone_permissions=...)`` says
#: otherwise: enough for a bot to read, reply, embed, attach and react.
DEFAULT_PERMISSIONS = (
    ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)

# Message flags.
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7


class SnowflakeFactory:
    """Strictly increasing, time-based snowflakes, so ``created_at`` and ordering look real."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(now, self._last + 1)
        return self._last


def iso_now() -> str:
    """ISO-8601 UTC timestamp, the format Discord uses for ``timestamp``/``joined_at``."""
    return datetime.now(UTC).isoformat()


def user(user_id: int, *, name: str | None = None, bot: bool = False) -> dict[str, Any]:
    """A user object (discord.py requires username, id, discriminator, avatar)."""
    return {
        "id": str(user_id),
        "username": name or f"user{user_id}",
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def role(
    role_id: int, guild_id: int, *, name: str | None = None, permissions: int | None = 0
) -> dict[str, Any]:
    """A role; the role whose id equals the guild id is @everyone."""
    return {
        "id": str(role_id),
        "name": name or ("@everyone" if role_id == guild_id else f"role{role_id}"),
        "permissions": str(permissions or 0),
        "position": 0 if role_id == guild_id else 1,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": False,
        "mentionable": True,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def text_channel(
    channel_id: int, guild_id: int, *, name: str | None = None, position: int = 0
) -> dict[str, Any]:
    """A guild text channel (type 0)."""
    return {
        "id": str(channel_id),
        "guild_id": str(guild_id),
        "type": 0,
        "name": name or f"channel-{channel_id}",
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def dm_channel(channel_id: int, recipient: dict[str, Any]) -> dict[str, Any]:
    """A DM channel (type 1) with one recipient."""
    return {
        "id": str(channel_id),
        "type": 1,
        "recipients": [recipient],
        "last_message_id": None,
        "flags": 0,
    }


def member(user_obj: dict[str, Any] | None, roles: list[int], joined_at: str) -> dict[str, Any]:
    """A guild member; pass ``user_obj=None`` for the partial form inside MESSAGE_CREATE."""
    data: dict[str, Any] = {
        "roles": [str(r) for r in roles],
        "joined_at": joined_at,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "pending": False,
        "premium_since": None,
        "avatar": None,
        "communication_disabled_until": None,
    }
    if user_obj is not None:
        data["user"] = user_obj
    return data


def message(
    message_id: int,
    channel_id: int,
    author: dict[str, Any],
    *,
    content: str = "",
    guild_id: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A message object; ``extra`` overrides/adds keys (embeds, components, member, ...)."""
    data: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 0,
        "author": author,
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "flags": 0,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    data.update(extra)
    return data
