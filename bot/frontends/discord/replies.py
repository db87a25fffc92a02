"""Replies that ping no one and leave no interaction unanswered, failures included.

Discord tells a user whose interaction got no response that "the application did not
respond"; an unexpected error gets an error id instead, which is also in the log, so a
maintainer can find the traceback from the id the user quotes.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()

ItemT = TypeVar("ItemT", bound=discord.ui.Item)
Callback = Callable[[ItemT, discord.Interaction], Awaitable[None]]


def unexpected(error: BaseException, where: object) -> str:
    """Log the traceback under a fresh error id; return the user's text, which quotes the
    id and never the error (it may show internals)."""
    error_id = uuid.uuid4().hex[:8]
    log.error("error %s in %s", error_id, where, exc_info=error)
    return (f"Something went wrong on my side. If it keeps happening, quote error id "
            f"`{error_id}` to the maintainers.")


async def reply(interaction: discord.Interaction, text: str) -> None:
    """Ephemeral, so only the person who acted sees it: the interaction's response if it
    has none yet, else a followup (after a defer, or a reply already sent)."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)


def reports_errors(callback: Callback[ItemT]) -> Callback[ItemT]:
    """For DynamicItem callbacks: discord.py only logs what they raise (unlike a View's
    items, they reach no on_error), leaving the user with "This interaction failed"."""

    @functools.wraps(callback)
    async def guarded(item: ItemT, interaction: discord.Interaction) -> None:
        try:
            await callback(item, interaction)
        except Exception as error:
            await reply(interaction, unexpected(error, item))

    return guarded
