"""Buttons: paging through long answers."""

from __future__ import annotations

import contextlib

import discord

from bot.frontends.discord.replies import NO_MENTIONS, reply, unexpected


class Paginator(discord.ui.View):
    """Previous / next over pre-rendered embeds. Only the person who asked may
    turn the pages (others would yank the page from under them), and after the
    timeout the buttons disable themselves so nobody presses a dead control."""

    def __init__(self, pages: list[discord.Embed], author_id: int, timeout: float = 180) -> None:
        super().__init__(timeout=timeout)
        self.pages = pages
        self.author_id = author_id
        self.index = 0
        self.message: discord.Message | None = None
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.author_id:
            return True
        await interaction.response.send_message(
            "Only the person who asked can turn these pages; run the command yourself to get "
            "your own copy.", ephemeral=True, allowed_mentions=NO_MENTIONS)
        return False

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary, custom_id="page:prev")
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.primary, custom_id="page:next")
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._show(interaction, self.index + 1)

    async def on_error(self, interaction: discord.Interaction, error: Exception,
                       item: discord.ui.Item, /) -> None:
        """The reply any failure gets: an error id, to the presser only (discord.py would
        only log it)."""
        await reply(interaction, unexpected(error, item))

    async def on_timeout(self) -> None:
        for child in self.children:
            if isinstance(child, discord.ui.Button):
                child.disabled = True
        if self.message is not None:
            # Deleted or no longer editable: then there is nothing left to disable.
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=self)
