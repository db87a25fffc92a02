"""Gateway (websocket) half of the stub.

Speaks just enough of the v10 gateway for discord.py: HELLO, heartbeat ACKs, IDENTIFY -> READY +
one GUILD_CREATE per guild, RESUME -> RESUMED (nothing replayed), REQUEST_GUILD_MEMBERS -> one
GUILD_MEMBERS_CHUNK. Frames go out as plain JSON text: discord.py asks for
``compress=zlib-stream`` (or ``zstd-stream``) but only decompresses *binary* frames, so text
frames are always accepted. One bot connection at a time; an AutoShardedClient works because
/gateway/bot reports a single shard.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .stub import DiscordStub

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_RESUME = 6
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11


class GatewayMixin:
    """Websocket handler plus ``dispatch``/``close_gateway``; state lives on DiscordStub."""

    def _init_gateway(self: DiscordStub) -> None:
        self.identifies = 0
        self.resumes = 0
        self.identify_payloads: list[dict[str, Any]] = []
        self.refused_intents = 0
        """intent bits the 'developer portal' has not enabled: IDENTIFY with any gets 4014"""
        self.identify_close_code: int | None = None
        """when set, every IDENTIFY is answered by closing with it (4004: authentication failed)"""
        self.gateway_received: list[dict[str, Any]] = []
        self.session_id: str | None = None
        self._seq = 0
        self._ws: web.WebSocketResponse | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        # Set while a session is live (READY or RESUMED sent on the current socket); dispatch()
        # waits on it so events sent during a reconnect are delivered after RESUME, not lost.
        self._live = asyncio.Event()
        self._send_lock = asyncio.Lock()

    @property
    def gateway_connected(self: DiscordStub) -> bool:
        """True while a bot session is live on the gateway."""
        return self._live.is_set()

    async def _ws_handler(self: DiscordStub, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, timeout=2.0)
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            hello = {"heartbeat_interval": self.heartbeat_interval}
            await self._send_json(ws, {"op": OP_HELLO, "d": hello})
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    payload = json.loads(msg.data)
                    self.gateway_received.append(payload)
                    await self._on_op(ws, payload)
        finally:
            self._sockets.discard(ws)
            if self._ws is ws:
                self._ws = None
                self._live.clear()
            await self._notify()
        return ws

    async def _on_op(self: DiscordStub, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d") or {}
        if op == OP_HEARTBEAT:
            await self._send_json(ws, {"op": OP_HEARTBEAT_ACK, "d": None})
        elif op == OP_IDENTIFY:
            self.identifies += 1
            self.identify_payloads.append(data)
            if data.get("intents", 0) & self.refused_intents:
                await ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            if self.identify_close_code is not None:
                await ws.close(code=self.identify_close_code, message=b"closed by DiscordStub")
                return
            self.session_id, self._seq, self._ws = uuid.uuid4().hex, 0, ws
            ready = self._ready_payload()
            if "shard" in data:  # AutoShardedClient reads READY["shard"]; one shard holds all
                ready["shard"] = data["shard"]
            await self._dispatch_on(ws, "READY", ready)
            for guild_id in self.guilds:
                await self._dispatch_on(ws, "GUILD_CREATE", self.guild_payload(guild_id))
            self._live.set()
        elif op == OP_RESUME:
            self.resumes += 1
            if data.get("session_id") != self.session_id:
                # d=false: session cannot be resumed, the client must IDENTIFY again.
                await self._send_json(ws, {"op": OP_INVALID_SESSION, "d": False})
                return
            self._ws = ws
            await self._dispatch_on(ws, "RESUMED", {})
            self._live.set()
        elif op == OP_REQUEST_MEMBERS:
            await self._dispatch_on(ws, "GUILD_MEMBERS_CHUNK", self._members_chunk(data))
        await self._notify()

    def _ready_payload(self: DiscordStub) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": str(gid), "unavailable": True} for gid in self.guilds],
            "session_id": self.session_id,
            "resume_gateway_url": self.gateway_url,
            "session_type": "normal",
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "_trace": ["discord-stub"],
        }

    def _members_chunk(self: DiscordStub, data: dict[str, Any]) -> dict[str, Any]:
        guild_id = int(data["guild_id"])
        wanted = {int(u) for u in data.get("user_ids") or []}
        query, limit = (data.get("query") or "").lower(), data.get("limit") or 0
        members = [
            m
            for m in self.guild_payload(guild_id)["members"]
            if (not wanted or int(m["user"]["id"]) in wanted)
            and m["user"]["username"].lower().startswith(query)
        ]
        if limit:
            members = members[:limit]
        chunk = {"guild_id": str(guild_id), "members": members, "chunk_index": 0, "chunk_count": 1}
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        return chunk

    async def _send_json(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        payload.setdefault("s", None)
        payload.setdefault("t", None)
        await ws.send_str(json.dumps(payload))

    async def _dispatch_on(
        self: DiscordStub, ws: web.WebSocketResponse, event: str, data: Any
    ) -> None:
        async with self._send_lock:
            self._seq += 1
            await self._send_json(ws, {"op": OP_DISPATCH, "t": event, "s": self._seq, "d": data})

    async def dispatch(self: DiscordStub, event: str, data: Any, *, timeout: float = 5.0) -> None:
        """Send a DISPATCH event (e.g. ``"MESSAGE_CREATE"``) to the connected bot.

        Waits up to ``timeout`` for a live session, so it is safe right after close_gateway().
        """
        try:
            await asyncio.wait_for(self._live.wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"no live gateway session to dispatch {event} to") from None
        assert self._ws is not None
        self._set_mark()  # wait_for_request/wait_for_message look from here on
        await self._dispatch_on(self._ws, event, data)

    async def close_gateway(
        self: DiscordStub, code: int = 4000, *, wait_reconnect: bool = True, timeout: float = 5.0
    ) -> None:
        """Drop the bot's gateway socket with ``code``.

        discord.py RESUMEs after 1000/1001/4000-style codes (it refuses after 4004, 4010-4014).
        With ``wait_reconnect`` this returns once the new session is live (RESUMED, or READY if
        the client re-identified); check ``stub.resumes``/``stub.identifies`` afterwards.
        """
        ws = self._ws
        if ws is None:
            raise RuntimeError("no gateway connection to close")
        self._ws = None
        self._live.clear()
        await asyncio.wait_for(ws.close(code=code, message=b"closed by DiscordStub"), timeout)
        if wait_reconnect:
            try:
                await asyncio.wait_for(self._live.wait(), timeout)
            except TimeoutError:
                raise TimeoutError(f"bot did not reconnect within {timeout}s") from None

    async def _close_sockets(self: DiscordStub) -> None:
        self._live.clear()
        for ws in list(self._sockets):
            with contextlib.suppress(TimeoutError, ConnectionError):
                await asyncio.wait_for(ws.close(code=1001, message=b"stub shutting down"), 2.0)
