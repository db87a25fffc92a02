"""Run a real discord.py client against a DiscordStub.

discord.py hardcodes its endpoints as class attributes: ``discord.http.Route.BASE`` (REST and
interaction webhooks) and ``DiscordWebSocket.DEFAULT_GATEWAY`` (a non-sharded client dials it
and ignores the URL from /gateway/bot). Both are patched for the duration of the block and
restored afterwards, so only one stub-driven bot can run at a time per process.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, TypeVar

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

if TYPE_CHECKING:
    from .stub import DiscordStub

ClientT = TypeVar("ClientT", bound=discord.Client)


@contextlib.asynccontextmanager
async def running_bot(
    stub: DiscordStub,
    bot: ClientT,
    *,
    token: str = "stub-token",
    ready_timeout: float = 10.0,
    guild_ready_timeout: float = 0.05,
    close_timeout: float = 5.0,
) -> AsyncIterator[ClientT]:
    """Start ``bot.start(token)`` against ``stub``; yield once it is ready; close it on exit.

    ``guild_ready_timeout`` replaces discord.py's 2 s wait for further GUILD_CREATEs before
    on_ready. Raises TimeoutError if the bot is not ready within ``ready_timeout``, or the
    exception ``bot.start`` died with (e.g. LoginFailure). If the bot task crashed while the
    block ran, that exception is re-raised on exit.
    """
    if stub.port is None:
        raise RuntimeError("call `await stub.start()` before running_bot()")
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    Route.BASE = stub.api_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(stub.gateway_url)
    bot._connection.guild_ready_timeout = guild_ready_timeout
    loop = asyncio.get_running_loop()
    task = loop.create_task(bot.start(token), name="discord-stub-bot")
    body_failed = False
    try:
        deadline = loop.time() + ready_timeout
        while not bot.is_ready():
            if task.done():
                task.result()  # re-raises the start-up error
                raise RuntimeError("bot.start() returned before the bot became ready")
            if loop.time() > deadline:
                raise TimeoutError(
                    f"bot not ready after {ready_timeout}s; requests so far: "
                    + ", ".join(f"{r.method} {r.route} -> {r.status}" for r in stub.requests)
                )
            await asyncio.sleep(0.01)
        yield bot
    except BaseException:
        body_failed = True
        raise
    finally:
        try:
            await asyncio.wait_for(bot.close(), close_timeout)
            await asyncio.wait_for(asyncio.shield(task), close_timeout)
        except TimeoutError:
            task.cancel()
        except Exception:
            if not body_failed:
                raise
        finally:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
