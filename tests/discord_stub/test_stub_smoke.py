"""Smoke tests for tests/discord_stub: a real discord.py commands.Bot end-to-end over loopback.

The bot here is a minimal stand-in; the project's bot plugs into ``stub.running_bot`` the same
way. Nothing touches the internet and every wait is bounded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands

from tests.discord_stub import DiscordStub

BOT_ID = 900000000000000001
OWNER_ID = 900000000000000002
USER_ID = 900000000000000003
APP_ID = BOT_ID
GUILD_ID = 910000000000000001
CHANNEL_ID = 910000000000000002
ROLE_ID = 910000000000000003
DM_CHANNEL_ID = 910000000000000004
LABS = ["deepseek", "qwen", "kimi", "glm"]

pytestmark = pytest.mark.asyncio


def make_bot() -> commands.Bot:
    """A tiny bot exercising prefix, hybrid/slash, autocomplete and view code paths."""
    intents = discord.Intents.default()
    intents.message_content = True
    bot = commands.Bot(command_prefix="!", intents=intents, help_command=None)

    @bot.command()
    async def ping(ctx: commands.Context) -> None:
        await ctx.send("pong", allowed_mentions=discord.AllowedMentions.none())

    @bot.hybrid_command(name="compare", description="Compare labs")
    async def compare(ctx: commands.Context, a: str) -> None:
        await ctx.send(f"comparing {a}")

    @compare.autocomplete("a")
    async def compare_a(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in LABS if n.startswith(current)]

    class Confirm(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)  # no timeout task left pending after the test

        @discord.ui.button(label="Go", custom_id="go")
        async def go(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.edit_message(content="pressed", view=None)

    @bot.command()
    async def buttons(ctx: commands.Context) -> None:
        await ctx.send("press it", view=Confirm())

    return bot


@pytest_asyncio.fixture
async def stub() -> AsyncIterator[DiscordStub]:
    s = DiscordStub(bot_user_id=BOT_ID, owner_id=OWNER_ID, application_id=APP_ID)
    await s.start()
    s.add_guild(
        GUILD_ID,
        name="Test",
        channels=[CHANNEL_ID],
        members=[USER_ID],
        roles=[ROLE_ID],
        member_roles={USER_ID: [ROLE_ID]},
    )
    s.add_dm_channel(DM_CHANNEL_ID, USER_ID)
    try:
        yield s
    finally:
        await s.close()
    assert s.handler_errors == []  # a stub route raised: see the tracebacks


async def test_login_and_prefix_command(stub: DiscordStub) -> None:
    async with stub.running_bot(make_bot()) as bot:
        assert bot.user.id == BOT_ID
        assert bot.get_guild(GUILD_ID).get_channel(CHANNEL_ID) is not None
        assert await bot.is_owner(discord.Object(OWNER_ID))  # from /oauth2/applications/@me

        await stub.send_message(channel_id=CHANNEL_ID, author_id=USER_ID, content="!ping")
        req = await stub.wait_for_request("POST", f"/channels/{CHANNEL_ID}/messages")

        assert req.status == 200
        assert req.json["content"] == "pong"
        assert req.json["allowed_mentions"] == {"parse": []}
        assert [m["content"] for m in stub.messages_in(CHANNEL_ID)] == ["pong"]
        assert stub.identifies == 1


async def test_dm_message(stub: DiscordStub) -> None:
    async with stub.running_bot(make_bot()):
        await stub.send_message(channel_id=DM_CHANNEL_ID, author_id=USER_ID, content="!ping")
        msg = await stub.wait_for_message(DM_CHANNEL_ID)
        assert msg["content"] == "pong"
        assert "guild_id" not in msg


@pytest.mark.parametrize("channel_id", [CHANNEL_ID, DM_CHANNEL_ID], ids=["guild", "dm"])
async def test_slash_command(stub: DiscordStub, channel_id: int) -> None:
    async with stub.running_bot(make_bot()):
        iid = await stub.send_slash(
            "compare",
            options=[{"name": "a", "type": 3, "value": "deepseek"}],
            user_id=USER_ID,
            channel_id=channel_id,
        )
        resp = await stub.wait_for_interaction_response(iid)
        assert resp["type"] == 4
        assert resp["data"]["content"] == "comparing deepseek"
        assert stub.messages_in(channel_id)[-1]["content"] == "comparing deepseek"
        req = await stub.wait_for_request("POST", f"/interactions/{iid}/")
        assert req.query.get("with_response") == "1"


async def test_autocomplete(stub: DiscordStub) -> None:
    async with stub.running_bot(make_bot()):
        iid = await stub.send_autocomplete(
            "compare",
            options=[{"name": "a", "type": 3, "value": "deeps", "focused": True}],
            user_id=USER_ID,
            channel_id=CHANNEL_ID,
        )
        resp = await stub.wait_for_interaction_response(iid)
        assert resp["type"] == 8
        assert resp["data"]["choices"] == [{"name": "deepseek", "value": "deepseek"}]


async def test_button_press_updates_message(stub: DiscordStub) -> None:
    async with stub.running_bot(make_bot()):
        await stub.send_message(channel_id=CHANNEL_ID, author_id=USER_ID, content="!buttons")
        msg = await stub.wait_for_message(CHANNEL_ID)
        assert msg["components"][0]["components"][0]["custom_id"] == "go"

        iid = await stub.press_button(
            message_id=int(msg["id"]), custom_id="go", user_id=USER_ID, channel_id=CHANNEL_ID
        )
        resp = await stub.wait_for_interaction_response(iid)
        assert resp["type"] == 7
        updated = stub.message(int(msg["id"]))
        assert updated["content"] == "pressed"
        assert updated["components"] == []


async def test_rate_limited_send_is_retried_once(stub: DiscordStub) -> None:
    route = f"/channels/{CHANNEL_ID}/messages"
    stub.fail_next("POST", route, status=429, retry_after=0.2)
    async with stub.running_bot(make_bot()):
        await stub.send_message(channel_id=CHANNEL_ID, author_id=USER_ID, content="!ping")
        await stub.wait_for_request("POST", route, lambda r: r.status == 200)
        statuses = [r.status for r in stub.requests if r.method == "POST" and r.route == route]
        assert statuses == [429, 200]
        assert [m["content"] for m in stub.messages_in(CHANNEL_ID)] == ["pong"]


@pytest.mark.parametrize("code", [4000, 1001])
async def test_gateway_drop_resumes(stub: DiscordStub, code: int) -> None:
    async with stub.running_bot(make_bot()):
        await stub.close_gateway(code=code)
        assert (stub.resumes, stub.identifies) == (1, 1)
        assert any(p["op"] == 6 for p in stub.gateway_received)  # RESUME, not IDENTIFY

        await stub.send_message(channel_id=CHANNEL_ID, author_id=USER_ID, content="!ping")
        msg = await stub.wait_for_message(CHANNEL_ID)
        assert msg["content"] == "pong"


async def test_unknown_route_is_recorded_as_404(stub: DiscordStub) -> None:
    async with stub.running_bot(make_bot()) as bot:
        with pytest.raises(discord.NotFound):
            await bot.fetch_guild(GUILD_ID)  # GET /guilds/{id} is not implemented
        req = await stub.wait_for_request("GET", f"/guilds/{GUILD_ID}", since=0)
        assert req.status == 404
