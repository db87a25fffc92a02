"""Pictures in Discord: drawn off the event loop, sent as attachments."""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import replace

import discord

from bot.core import Answer, Engine
from bot.core.answers import Picture, PictureKind
from bot.frontends.discord.replies import reports_errors
from bot.output.pictures import PictureCache

FILENAME = "picture.png"


async def draw(engine: Engine, answer: Answer, cache: PictureCache) -> discord.File | None:
    """Rendering takes a few hundred milliseconds: a worker thread keeps the
    loop answering everyone else meanwhile (the cache makes repeats instant)."""
    png = await asyncio.to_thread(cache.picture_for, engine.kb, answer)
    return discord.File(io.BytesIO(png), filename=FILENAME) if png else None


class CardButton(discord.ui.DynamicItem[discord.ui.Button], template=r"card:(?P<ids>[a-z0-9._,-]+)"):
    """"Show as a picture" under a comparison; the custom id carries the entity
    ids, so it works for anyone and after a restart."""

    def __init__(self, entity_ids: tuple[str, ...]) -> None:
        super().__init__(discord.ui.Button(label="Show as a picture", emoji="🖼️",
                                           style=discord.ButtonStyle.secondary,
                                           custom_id="card:" + ",".join(entity_ids)))
        self.entity_ids = entity_ids

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> CardButton:
        return cls(tuple(match["ids"].split(",")))

    @staticmethod
    def fits(entity_ids: tuple[str, ...]) -> bool:
        return len("card:" + ",".join(entity_ids)) <= 100

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        bot = interaction.client
        engine = bot.engine  # type: ignore[attr-defined]
        answer = engine.compare(list(self.entity_ids))
        file = await draw(engine, replace(answer, picture=Picture(PictureKind.CARD)),
                          bot.pictures)  # type: ignore[attr-defined]
        if file is None:
            await interaction.followup.send(answer.summary or "Nothing to draw.", ephemeral=True)
            return
        await interaction.followup.send(file=file)
