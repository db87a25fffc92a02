"""Gateway (websocket) half of the stub.

Speaks just enough of the v10 gateway for discord.py: HELLO, heartbeat ACKs, IDENTIFY -> READY +
one GUILD_CREATE per guild, RESUME -> RESUMED (nothing replayed), REQUEST_GUILD_MEMBERS -> one
GUILD_MEMBERS_CHUNK. Frames go out as plain JSON text: discord.py asks for
``compress=zlib-stream`` (or ``zstd-stream``) but only decompresses *binary* frames, so text
frames are always accepted.

Sessions: one per shard, as many at once as the bots open (several processes may each run
some shards of one bot). An IDENTIFY with ``shard: [k, N]`` opens shard k's session; without
it, the session is shard 0 of 1. Events go where Discord sends them: a guild's to shard
``(guild_id >> 22) % N``, everything else (DMs) to shard 0. /gateway/bot reports
``shard_count`` and ``max_concurrency`` (both 1 unless a test sets them).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from dataclasses import dataclass, field
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


def guild_on(shard: int, count: int, start: int) -> int:
    """The first guild id from `start` that Discord puts on `shard` of `count`."""
    return next(g for g in range(start, start + (count << 22) + 1, 1 << 22)
                if (g >> 22) % count == shard)


@dataclass(eq=False)
class Session:
    ws: web.WebSocketResponse
    session_id: str
    shard: int
    shard_count: int
    seq: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class GatewayMixin:
    """Websocket handler plus ``dispatch``/``close_gateway``; state lives on DiscordStub."""

    def _init_gateway(self: DiscordStub) -> None:
        self.identifies = 0
        self.resumes = 0
        self.identify_payloads: list[dict[str, Any]] = []
        self.identified_at: list[float] = []
        """loop.time() of each IDENTIFY: how far apart sessions started"""
        self.refused_intents = 0
        """intent bits the 'developer portal' has not enabled: IDENTIFY with any gets 4014"""
        self.identify_close_code: int | None = None
        """when set, every IDENTIFY is answered by closing with it (4004: authentication failed)"""
        self.gateway_received: list[dict[str, Any]] = []
        self.shard_count = 1
        """what /gateway/bot recommends, and N for routing until a session says otherwise"""
        self.max_concurrency = 1
        """what /gateway/bot reports: IDENTIFYs Discord lets start together, one per bucket"""
        self.sessions: dict[int, Session] = {}
        """shard -> its session (kept after a drop, for RESUME)"""
        self._sockets: set[web.WebSocketResponse] = set()
        # Set while a shard's session is live (READY or RESUMED sent on its socket); dispatch()
        # waits on it so events sent during a reconnect are delivered after RESUME, not lost.
        self._live_events: dict[int, asyncio.Event] = {}

    def _live(self, shard: int) -> asyncio.Event:
        return self._live_events.setdefault(shard, asyncio.Event())

    @property
    def session_id(self: DiscordStub) -> str | None:
        session = self.sessions.get(0)
        return session.session_id if session else None

    @property
    def live_shards(self) -> set[int]:
        return {shard for shard, live in self._live_events.items() if live.is_set()}

    @property
    def gateway_connected(self: DiscordStub) -> bool:
        """True while a bot session is live on the gateway (shard 0's, when sharded)."""
        return self._live(0).is_set()

    def shard_of(self, data: Any) -> int:
        """The shard Discord would send this event to."""
        guild_id = data.get("guild_id") if isinstance(data, dict) else None
        return (int(guild_id) >> 22) % self.routing_count if guild_id else 0

    @property
    def routing_count(self) -> int:
        return max((s.shard_count for s in self.sessions.values()), default=self.shard_count)

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
            for session in self.sessions.values():
                if session.ws is ws:
                    self._live(session.shard).clear()
            await self._notify()
        return ws

    async def _on_op(self: DiscordStub, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d") or {}
        if op == OP_HEARTBEAT:
            await self._send_json(ws, {"op": OP_HEARTBEAT_ACK, "d": None})
        elif op == OP_IDENTIFY:
            self.identifies += 1
            self.identify_payloads.append(data)
            self.identified_at.append(asyncio.get_running_loop().time())
            if data.get("intents", 0) & self.refused_intents:
                await ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            if self.identify_close_code is not None:
                await ws.close(code=self.identify_close_code, message=b"closed by DiscordStub")
                return
            shard, count = data.get("shard") or (0, 1)
            session = Session(ws, uuid.uuid4().hex, shard, count)
            self.sessions[shard] = session
            guilds = [g for g in self.guilds if (g >> 22) % count == shard]
            ready = self._ready_payload(session, guilds)
            if "shard" in data:  # AutoShardedClient reads READY["shard"]
                ready["shard"] = data["shard"]
            await self._dispatch_on(session, "READY", ready)
            for guild_id in guilds:
                await self._dispatch_on(session, "GUILD_CREATE", self.guild_payload(guild_id))
            self._live(shard).set()
        elif op == OP_RESUME:
            self.resumes += 1
            session = next((s for s in self.sessions.values()
                            if s.session_id == data.get("session_id")), None)
            if session is None:
                # d=false: session cannot be resumed, the client must IDENTIFY again.
                await self._send_json(ws, {"op": OP_INVALID_SESSION, "d": False})
                return
            session.ws = ws
            await self._dispatch_on(session, "RESUMED", {})
            self._live(session.shard).set()
        elif op == OP_REQUEST_MEMBERS:
            session = next((s for s in self.sessions.values() if s.ws is ws), None)
            if session is not None:
                await self._dispatch_on(session, "GUILD_MEMBERS_CHUNK", self._members_chunk(data))
        await self._notify()

    def _ready_payload(self: DiscordStub, session: Session, guilds: list[int]) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": str(gid), "unavailable": True} for gid in guilds],
            "session_id": session.session_id,
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

    async def _dispatch_on(self: DiscordStub, session: Session, event: str, data: Any) -> None:
        async with session.lock:
            session.seq += 1
            await self._send_json(session.ws, {"op": OP_DISPATCH, "t": event, "s": session.seq,
                                               "d": data})

    async def dispatch(self: DiscordStub, event: str, data: Any, *, timeout: float = 5.0,
                       shard: int | None = None) -> None:
        """Send a DISPATCH event (e.g. ``"MESSAGE_CREATE"``) to the session of the shard it
        belongs to (or ``shard``).

        Waits up to ``timeout`` for that session to be live, so it is safe right after
        close_gateway().
        """
        shard = self.shard_of(data) if shard is None else shard
        try:
            await asyncio.wait_for(self._live(shard).wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"no live gateway session on shard {shard} to dispatch {event} "
                               "to") from None
        self._set_mark()  # wait_for_request/wait_for_message look from here on
        await self._dispatch_on(self.sessions[shard], event, data)

    async def close_gateway(
        self: DiscordStub, code: int = 4000, *, wait_reconnect: bool = True, timeout: float = 5.0,
        shard: int = 0,
    ) -> None:
        """Drop the bot's gateway socket with ``code``.

        discord.py RESUMEs after 1000/1001/4000-style codes (it refuses after 4004, 4010-4014).
        With ``wait_reconnect`` this returns once the new session is live (RESUMED, or READY if
        the client re-identified); check ``stub.resumes``/``stub.identifies`` afterwards.
        """
        session = self.sessions.get(shard)
        if session is None or not self._live(shard).is_set():
            raise RuntimeError("no gateway connection to close")
        self._live(shard).clear()
        await asyncio.wait_for(session.ws.close(code=code, message=b"closed by DiscordStub"),
                               timeout)
        if wait_reconnect:
            try:
                await asyncio.wait_for(self._live(shard).wait(), timeout)
            except TimeoutError:
                raise TimeoutError(f"bot did not reconnect within {timeout}s") from None

    async def _close_sockets(self: DiscordStub) -> None:
        for live in self._live_events.values():
            live.clear()
        for ws in list(self._sockets):
            with contextlib.suppress(TimeoutError, ConnectionError):
                await asyncio.wait_for(ws.close(code=1001, message=b"stub shutting down"), 2.0)
