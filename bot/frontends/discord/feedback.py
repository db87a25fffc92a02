"""👍 / 👎 under each answer, recorded anonymously in the query log.

A DynamicItem, not a per-message View: the custom id carries the query id, so
a press is understood even after a restart, and nothing is kept in memory per
answer.
"""

from __future__ import annotations

import re

import discord

from bot.frontends.discord.replies import NO_MENTIONS, reports_errors


class VoteButton(discord.ui.DynamicItem[discord.ui.Button], template=r"vote:(?P<up>[ud]):(?P<qid>\d+)"):
    def __init__(self, query_id: int, up: bool) -> None:
        super().__init__(discord.ui.Button(
            label="👍" if up else "👎", style=discord.ButtonStyle.secondary,
            custom_id=f"vote:{'u' if up else 'd'}:{query_id}"))
        self.query_id = query_id
        self.up = up

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> VoteButton:
        return cls(int(match["qid"]), match["up"] == "u")

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        querylog = interaction.client.querylog  # type: ignore[attr-defined]
        counted = await querylog.avote(self.query_id, f"discord:{interaction.user.id}", self.up)
        text = ("Thanks, noted: it helps the maintainers improve the fact base." if counted
                else "You have already rated this answer." if counted is False
                else "Your rating could not be saved just now: please try again in a minute.")
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


def add_vote_buttons(view: discord.ui.View, query_id: int) -> None:
    view.add_item(VoteButton(query_id, up=True))
    view.add_item(VoteButton(query_id, up=False))
