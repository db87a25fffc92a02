"""REST half of the stub: the /api/v10 routes discord.py uses, plus recording and fault injection.

Every request goes through ``_middleware``, which records it (JSON body, or ``payload_json`` and
file parts of a multipart body), applies ``fail_next`` rules, and notifies waiters. Unknown
routes are recorded and answered ``404 {"message": "Unknown route", "code": 0}`` so a test sees
exactly which endpoint is missing.

Responses carry ``Content-Type: application/json`` *exactly*: discord.py's ``json_or_text``
compares the header with ``==``, so aiohttp's ``web.json_response`` (which appends
``; charset=utf-8``) would make every body a plain string and break login.
"""

from __future__ import annotations

import contextlib
import json
import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import payloads

if TYPE_CHECKING:
    from .stub import DiscordStub, InteractionRecord

API = "/api/v10"


def json_response(data: Any, status: int = 200) -> web.Response:
    """JSON response with the exact Content-Type discord.py parses."""
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


def error_response(status: int, message: str, code: int = 0) -> web.Response:
    return json_response({"message": message, "code": code}, status)


def no_content() -> web.Response:
    """204 without Content-Type: an empty body labelled JSON would fail to parse."""
    return web.Response(status=204)


@dataclass
class RecordedRequest:
    """One REST request the bot made."""

    index: int
    method: str
    path: str  # full path, e.g. "/api/v10/channels/1/messages"
    query: dict[str, str]
    headers: dict[str, str]
    json: Any  # JSON body, or the payload_json part of a multipart body; None if no body
    files: list[dict[str, Any]] = field(default_factory=list)  # field, filename, content_type, data
    time: float = field(default_factory=time.monotonic)
    status: int | None = None  # filled in once the response is built

    @property
    def route(self) -> str:
        """Path without the ``/api/v10`` prefix."""
        return self.path[len(API) :] if self.path.startswith(API) else self.path


RECORD = web.RequestKey("record", RecordedRequest)


@dataclass
class _FailRule:
    method: str
    path_contains: str
    status: int
    retry_after: float
    is_global: bool
    times: int


class RestMixin:
    """aiohttp routes; state (guilds, messages, interactions) lives on DiscordStub."""

    def _init_rest(self: DiscordStub) -> None:
        self.requests: list[RecordedRequest] = []
        self._fail_rules: list[_FailRule] = []
        self.handler_errors: list[str] = []  # tracebacks of REST handlers that raised

    def _build_app(self: DiscordStub) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024**2)
        r = app.router
        r.add_get("/ws", self._ws_handler)
        routes = [
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway),
            ("GET", "/users/@me", self._get_me),
            ("POST", "/users/@me/channels", self._create_dm),
            ("GET", "/users/{user_id}", self._get_user),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/@me", self._get_application),
            ("GET", "/applications/{app}/commands", self._get_commands),
            ("PUT", "/applications/{app}/commands", self._put_commands),
            ("POST", "/applications/{app}/commands", self._post_command),
            ("GET", "/applications/{app}/guilds/{gid}/commands", self._get_commands),
            ("PUT", "/applications/{app}/guilds/{gid}/commands", self._put_commands),
            ("POST", "/applications/{app}/guilds/{gid}/commands", self._post_command),
            ("GET", "/channels/{cid}", self._get_channel),
            ("POST", "/channels/{cid}/typing", self._no_content),
            ("GET", "/channels/{cid}/messages", self._get_history),
            ("POST", "/channels/{cid}/messages", self._post_message),
            ("GET", "/channels/{cid}/messages/{mid}", self._get_message),
            ("PATCH", "/channels/{cid}/messages/{mid}", self._patch_message),
            ("DELETE", "/channels/{cid}/messages/{mid}", self._delete_message),
            ("PUT", "/channels/{cid}/messages/{mid}/reactions/{emoji}/@me", self._no_content),
            ("DELETE", "/channels/{cid}/messages/{mid}/reactions/{emoji}/@me", self._no_content),
            ("GET", "/guilds/{gid}/members/{user_id}", self._get_member),
            ("POST", "/interactions/{iid}/{token}/callback", self._interaction_callback),
            ("POST", "/webhooks/{app}/{token}", self._followup),
            ("GET", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_get),
            ("PATCH", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_patch),
            ("DELETE", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_delete),
        ]
        for method, path, handler in routes:
            r.add_route(method, API + path, handler)
        r.add_route("*", "/{tail:.*}", self._unknown_route)
        return app

    # -- recording / fault injection -------------------------------------------------------

    @web.middleware
    async def _middleware(
        self: DiscordStub, request: web.Request, handler: Any
    ) -> web.StreamResponse:
        if request.path == "/ws":
            return await handler(request)
        rec = await self._record(request)
        request[RECORD] = rec
        rule = self._take_fail_rule(rec)
        try:
            resp = self._fail_response(rule) if rule else await handler(request)
        except Exception as exc:  # a stub bug or a body it cannot handle
            # 400, not 500: discord.py retries 5xx with 1 s, 3 s, ... sleeps, which hides the
            # problem behind a slow test. The traceback is kept for the test to inspect.
            self.handler_errors.append(traceback.format_exc())
            resp = error_response(400, f"DiscordStub could not handle request: {exc!r}", 50035)
        rec.status = resp.status
        await self._notify()
        return resp

    async def _record(self: DiscordStub, request: web.Request) -> RecordedRequest:
        body: Any = None
        files: list[dict[str, Any]] = []
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    files.append(
                        {
                            "field": part.name,
                            "filename": part.filename,
                            "content_type": part.headers.get("Content-Type"),
                            "data": bytes(await part.read()),
                        }
                    )
        elif request.can_read_body:
            body = raw = await request.text()
            if raw and request.content_type == "application/json":
                with contextlib.suppress(ValueError):  # keep the raw text if it is not JSON
                    body = json.loads(raw)
        rec = RecordedRequest(
            index=len(self.requests),
            method=request.method,
            path=request.path,
            query=dict(request.query),
            headers=dict(request.headers),
            json=body,
            files=files,
        )
        self.requests.append(rec)
        return rec

    def fail_next(
        self: DiscordStub,
        method: str,
        path_contains: str,
        status: int = 429,
        retry_after: float = 0.2,
        *,
        is_global: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` instead of handling them.

        A 429 carries a ``Via`` header and a JSON ``retry_after`` body: without them discord.py
        assumes a Cloudflare ban and raises instead of sleeping and retrying. Other statuses get
        ``{"message", "code"}`` (note discord.py itself retries 500/502/504 after 1 s, 3 s, ...).
        """
        self._fail_rules.append(
            _FailRule(method.upper(), path_contains, status, retry_after, is_global, times)
        )

    def _take_fail_rule(self: DiscordStub, rec: RecordedRequest) -> _FailRule | None:
        for rule in self._fail_rules:
            if rule.method == rec.method and rule.path_contains in rec.path:
                rule.times -= 1
                if rule.times <= 0:
                    self._fail_rules.remove(rule)
                return rule
        return None

    @staticmethod
    def _fail_response(rule: _FailRule) -> web.Response:
        if rule.status != 429:
            return error_response(rule.status, f"Injected {rule.status} by DiscordStub")
        resp = json_response(
            {
                "message": "You are being rate limited.",
                "retry_after": rule.retry_after,
                "global": rule.is_global,
            },
            429,
        )
        resp.headers["Via"] = "1.1 google"
        resp.headers["Retry-After"] = str(max(1, round(rule.retry_after)))
        resp.headers["X-RateLimit-Scope"] = "global" if rule.is_global else "user"
        return resp

    async def _unknown_route(self, request: web.Request) -> web.Response:
        return error_response(404, "Unknown route", 0)

    async def _no_content(self, request: web.Request) -> web.Response:
        return no_content()

    # -- login / gateway / users -----------------------------------------------------------

    async def _get_gateway(self: DiscordStub, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0,
                 "max_concurrency": self.max_concurrency}
        return json_response({"url": self.gateway_url, "shards": self.shard_count,
                              "session_start_limit": limit})

    async def _get_me(self: DiscordStub, request: web.Request) -> web.Response:
        return json_response(self.bot_user)

    async def _get_user(self: DiscordStub, request: web.Request) -> web.Response:
        return json_response(self.user_payload(int(request.match_info["user_id"])))

    async def _get_application(self: DiscordStub, request: web.Request) -> web.Response:
        return json_response(self.application_payload())

    async def _create_dm(self: DiscordStub, request: web.Request) -> web.Response:
        user_id = int(request[RECORD].json["recipient_id"])
        existing = [cid for cid, recipient in self.dm_channels.items() if recipient == user_id]
        channel_id = existing[0] if existing else self.add_dm_channel(self.new_id(), user_id)
        return json_response(self.channel_payload(channel_id))

    async def _get_member(self: DiscordStub, request: web.Request) -> web.Response:
        gid, uid = int(request.match_info["gid"]), int(request.match_info["user_id"])
        guild = self.guilds.get(gid)
        if guild is None or uid not in guild.members:
            return error_response(404, "Unknown Member", 10007)
        return json_response(self.member_payload(gid, uid))

    # -- application commands --------------------------------------------------------------

    def _commands_key(self: DiscordStub, request: web.Request) -> int | None:
        gid = request.match_info.get("gid")
        return int(gid) if gid else None

    async def _get_commands(self: DiscordStub, request: web.Request) -> web.Response:
        return json_response(self.commands.get(self._commands_key(request), []))

    async def _put_commands(self: DiscordStub, request: web.Request) -> web.Response:
        key = self._commands_key(request)
        self.commands[key] = [self._command_payload(c, key) for c in request[RECORD].json or []]
        return json_response(self.commands[key])

    async def _post_command(self: DiscordStub, request: web.Request) -> web.Response:
        key = self._commands_key(request)
        cmd = self._command_payload(request[RECORD].json, key)
        existing = [c for c in self.commands.get(key, []) if c["id"] != cmd["id"]]
        self.commands[key] = [*existing, cmd]
        return json_response(cmd, 201)

    def _command_payload(self: DiscordStub, body: dict[str, Any], guild_id: int | None) -> dict:
        cmd = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "dm_permission": True,
            "nsfw": False,
            "integration_types": [0],
            "contexts": None,
            **body,
        }
        cmd["id"] = str(self.command_id(cmd["name"], guild_id, cmd["type"]))
        cmd["application_id"] = str(self.application_id)
        cmd["version"] = str(self.new_id())
        if guild_id is not None:
            cmd["guild_id"] = str(guild_id)
        return cmd

    # -- channels and messages -------------------------------------------------------------

    def _channel_or_404(self: DiscordStub, request: web.Request) -> int | web.Response:
        channel_id = int(request.match_info["cid"])
        if self.channel_guild(channel_id) is None and channel_id not in self.dm_channels:
            return error_response(404, "Unknown Channel", 10003)
        return channel_id

    def _message_or_404(self: DiscordStub, request: web.Request) -> dict | web.Response:
        msg = self.stored_messages.get(int(request.match_info["mid"]))
        if msg is None or msg["channel_id"] != request.match_info["cid"]:
            return error_response(404, "Unknown Message", 10008)
        return msg

    async def _get_channel(self: DiscordStub, request: web.Request) -> web.Response:
        channel_id = self._channel_or_404(request)
        if isinstance(channel_id, web.Response):
            return channel_id
        return json_response(self.channel_payload(channel_id))

    async def _get_history(self: DiscordStub, request: web.Request) -> web.Response:
        channel_id = self._channel_or_404(request)
        if isinstance(channel_id, web.Response):
            return channel_id
        limit = int(request.query.get("limit", 50))
        msgs = [m for m in self.stored_messages.values() if m["channel_id"] == str(channel_id)]
        return json_response(list(reversed(msgs))[:limit])

    async def _post_message(self: DiscordStub, request: web.Request) -> web.Response:
        channel_id = self._channel_or_404(request)
        if isinstance(channel_id, web.Response):
            return channel_id
        rec: RecordedRequest = request[RECORD]
        return json_response(self._create_bot_message(channel_id, rec.json, rec.files))

    async def _get_message(self: DiscordStub, request: web.Request) -> web.Response:
        msg = self._message_or_404(request)
        return msg if isinstance(msg, web.Response) else json_response(msg)

    async def _patch_message(self: DiscordStub, request: web.Request) -> web.Response:
        msg = self._message_or_404(request)
        if isinstance(msg, web.Response):
            return msg
        rec: RecordedRequest = request[RECORD]
        return json_response(self._edit_message(msg, rec.json, rec.files))

    async def _delete_message(self: DiscordStub, request: web.Request) -> web.Response:
        msg = self._message_or_404(request)
        if isinstance(msg, web.Response):
            return msg
        self._delete_stored(int(msg["id"]))
        return no_content()

    def _create_bot_message(
        self: DiscordStub,
        channel_id: int,
        body: dict[str, Any] | None,
        files: list[dict[str, Any]],
        *,
        extra_flags: int = 0,
        interaction: InteractionRecord | None = None,
    ) -> dict[str, Any]:
        """Store a message the bot created (REST send, interaction response or followup)."""
        body = body or {}
        message_id = self.new_id()
        extra: dict[str, Any] = {}
        if interaction is not None:
            extra["webhook_id"] = str(self.application_id)
            extra["application_id"] = str(self.application_id)
        ref = body.get("message_reference")
        if ref and ref.get("message_id"):
            ref = {"channel_id": channel_id, **ref}  # discord.py sends ids as ints here
            extra["message_reference"] = {
                k: str(v) if k.endswith("_id") and v is not None else v for k, v in ref.items()
            }
            extra["referenced_message"] = self.stored_messages.get(int(ref["message_id"]))
            extra["type"] = 19  # reply
        msg = payloads.message(
            message_id,
            channel_id,
            self.bot_user,
            content=body.get("content") or "",
            tts=bool(body.get("tts", False)),
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            flags=int(body.get("flags") or 0) | extra_flags,
            attachments=self._attachments(channel_id, files),
            **extra,
        )
        if body.get("poll"):
            msg["poll"] = body["poll"]
        self.stored_messages[message_id] = msg
        return msg

    def _edit_message(
        self: DiscordStub, msg: dict[str, Any], body: dict[str, Any] | None, files: list[dict]
    ) -> dict[str, Any]:
        """Apply a PATCH-style body to a stored message (also used for callback type 7)."""
        body = body or {}
        for key in ("content", "embeds", "components"):
            if key in body:
                msg[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "flags" in body and body["flags"] is not None:
            msg["flags"] = int(body["flags"])
        msg["flags"] &= ~payloads.FLAG_LOADING
        if files or "attachments" in body:
            keep = {str(a.get("id")) for a in body.get("attachments") or []}
            old = [a for a in msg["attachments"] if a["id"] in keep]
            msg["attachments"] = old + self._attachments(int(msg["channel_id"]), files)
        msg["edited_timestamp"] = payloads.iso_now()
        return msg

    def _attachments(self: DiscordStub, channel_id: int, files: list[dict]) -> list[dict]:
        out = []
        for f in files:
            aid = self.new_id()
            url = f"{self.base_url}/attachments/{channel_id}/{aid}/{f['filename']}"
            out.append(
                {
                    "id": str(aid),
                    "filename": f["filename"],
                    "size": len(f["data"]),
                    "url": url,
                    "proxy_url": url,
                    "content_type": f["content_type"],
                }
            )
        return out

    # -- interactions ----------------------------------------------------------------------

    async def _interaction_callback(self: DiscordStub, request: web.Request) -> web.Response:
        inter = self.interactions.get(int(request.match_info["iid"]))
        if inter is None or inter.token != request.match_info["token"]:
            return error_response(404, "Unknown interaction", 10062)
        if inter.acknowledged:
            return error_response(400, "Interaction has already been acknowledged.", 40060)
        rec: RecordedRequest = request[RECORD]
        body = rec.json or {}
        rtype, data = body.get("type"), body.get("data") or {}
        inter.acknowledged = True
        msg = None
        if rtype in (4, 5):  # channel message / deferred ("thinking") channel message
            loading = payloads.FLAG_LOADING if rtype == 5 else 0
            msg = self._create_bot_message(
                inter.channel_id, data, rec.files, extra_flags=loading, interaction=inter
            )
            inter.original_message_id = int(msg["id"])
        elif rtype == 7 and inter.message_id in self.stored_messages:  # update component message
            msg = self._edit_message(self.stored_messages[inter.message_id], data, rec.files)
        inter.responses.append(
            {
                "kind": "callback",
                "type": rtype,
                "data": data,
                "message_id": int(msg["id"]) if msg else None,
            }
        )
        summary: dict[str, Any] = {
            "id": str(inter.id),
            "type": inter.type,
            "response_message_loading": rtype == 5,
            "response_message_ephemeral": bool(int(data.get("flags") or 0) & 64),
        }
        resource: dict[str, Any] = {"type": rtype}
        if msg is not None:
            summary["response_message_id"] = msg["id"]
            resource["message"] = msg
        return json_response({"interaction": summary, "resource": resource})

    def _webhook_interaction(
        self: DiscordStub, request: web.Request
    ) -> InteractionRecord | web.Response:
        inter = self._tokens.get(request.match_info["token"])
        if int(request.match_info["app"]) != self.application_id or inter is None:
            return error_response(404, "Unknown Webhook", 10015)
        if not inter.acknowledged:  # Discord only opens the webhook after the callback
            return error_response(404, "Unknown Webhook", 10015)
        return inter

    def _webhook_message(
        self: DiscordStub, request: web.Request
    ) -> tuple[InteractionRecord, dict[str, Any]] | web.Response:
        inter = self._webhook_interaction(request)
        if isinstance(inter, web.Response):
            return inter
        mid = request.match_info["mid"]
        message_id = inter.original_message_id if mid == "@original" else int(mid)
        msg = self.stored_messages.get(message_id) if message_id else None
        if msg is None:
            return error_response(404, "Unknown Message", 10008)
        return inter, msg

    async def _followup(self: DiscordStub, request: web.Request) -> web.Response:
        inter = self._webhook_interaction(request)
        if isinstance(inter, web.Response):
            return inter
        rec: RecordedRequest = request[RECORD]
        msg = self._create_bot_message(inter.channel_id, rec.json, rec.files, interaction=inter)
        inter.responses.append(
            {"kind": "followup", "type": None, "data": rec.json, "message_id": int(msg["id"])}
        )
        wait = request.query.get("wait", "").lower() in ("1", "true")
        return json_response(msg) if wait else no_content()

    async def _webhook_get(self: DiscordStub, request: web.Request) -> web.Response:
        found = self._webhook_message(request)
        return found if isinstance(found, web.Response) else json_response(found[1])

    async def _webhook_patch(self: DiscordStub, request: web.Request) -> web.Response:
        found = self._webhook_message(request)
        if isinstance(found, web.Response):
            return found
        inter, msg = found
        rec: RecordedRequest = request[RECORD]
        kind = "edit_original" if request.match_info["mid"] == "@original" else "edit_message"
        self._edit_message(msg, rec.json, rec.files)
        inter.responses.append(
            {"kind": kind, "type": None, "data": rec.json, "message_id": int(msg["id"])}
        )
        return json_response(msg)

    async def _webhook_delete(self: DiscordStub, request: web.Request) -> web.Response:
        found = self._webhook_message(request)
        if isinstance(found, web.Response):
            return found
        inter, msg = found
        kind = "delete_original" if request.match_info["mid"] == "@original" else "delete_message"
        self._delete_stored(int(msg["id"]))
        inter.responses.append(
            {"kind": kind, "type": None, "data": None, "message_id": int(msg["id"])}
        )
        return no_content()
