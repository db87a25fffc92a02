"""Loopback Discord (REST + gateway on 127.0.0.1) for end-to-end tests of discord.py bots.

Nothing here touches the internet: the stub binds 127.0.0.1 on a free port and
``DiscordStub.running_bot`` points discord.py at it.
"""

from .harness import running_bot
from .payloads import ADMINISTRATOR, DEFAULT_PERMISSIONS, FLAG_EPHEMERAL, FLAG_LOADING
from .rest import RecordedRequest
from .stub import DiscordStub, GuildState, InteractionRecord

__all__ = [
    "ADMINISTRATOR",
    "DEFAULT_PERMISSIONS",
    "FLAG_EPHEMERAL",
    "FLAG_LOADING",
    "DiscordStub",
    "GuildState",
    "InteractionRecord",
    "RecordedRequest",
    "running_bot",
]
