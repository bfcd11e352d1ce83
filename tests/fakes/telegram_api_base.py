"""The fake Telegram server's state and plumbing: lifecycle, HTTP dispatch, getMe and files,
and the chats and messages it knows. The Bot API methods live in telegram_sending.py and
telegram_getting_updates.py; `FakeTelegramApi` (telegram_api.py) puts them together."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from tests.fakes.local_server import LocalServer
from tests.fakes.telegram_wire import (
    BOT_USER,
    ApiCall,
    ApiError,
    Fault,
    Method,
    MethodReply,
    RateLimit,
    SentMessage,
    SentPhoto,
    UploadedFile,
    WebhookConfig,
    bad_request,
    chat_type,
    decode_param,
    unique_id,
)


class TelegramApiBase(LocalServer):
    """What every part of the fake shares: its state, the HTTP side (each request recorded,
    then answered by the method's handler in `_methods`) and the chats it has seen."""

    def __init__(self, token: str, *, host: str, allow_http_webhook: bool) -> None:
        super().__init__(host)
        self._token = token
        self.allow_http_webhook = allow_http_webhook
        self.started_at: float | None = None  # time.monotonic() when the server started

        self.calls: list[ApiCall] = []
        self._sent: list[SentMessage] = []
        self._message_watchers: list[Callable[[SentMessage], None]] = []
        self._sent_photos: list[SentPhoto] = []
        self._updates: list[dict[str, Any]] = []
        self._highest_update_id = 0
        self._allowed_updates: list[str] | None = None
        self.webhook: WebhookConfig | None = None
        # setMyCommands: language_code ("" for everyone else) → [{"command", "description"}]
        self.command_menus: dict[str, list[dict[str, str]]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_message_id: dict[int, int] = {}

        self._faults: dict[str, deque[Fault | None]] = {}  # None: let that call through
        self._delays: dict[str, deque[float]] = {}
        self._blocked: dict[int, str | None] = {}
        self._rate_limit: RateLimit | None = None
        self._send_log: deque[tuple[float, int]] = deque()

        self._poll_generation = 0
        self._wakeup = asyncio.Event()
        self._closing = asyncio.Event()

        self._files: dict[str, bytes] = {}  # file_id → content, served by getFile + /file/
        self._photos: dict[str, list[dict[str, Any]]] = {}  # file_id → its PhotoSize array
        # lower-case method name → its handler: FakeTelegramApi's, then any a test stubs
        self._methods: dict[str, Method] = {}

    # -- lifecycle --------------------------------------------------------------------------

    def application(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/files/{file_id}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        return app

    async def start(self) -> None:
        await super().start()
        self._closing.clear()
        self.started_at = time.monotonic()

    async def close(self) -> None:
        self._closing.set()
        self._pulse()
        await super().close()

    # -- HTTP -------------------------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response(ApiError(404, "Not Found").body(), status=404)

    async def _handle(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        requested = request.match_info["method"]
        key = requested.lower()
        method = self._methods.get(key)
        call = ApiCall(
            method=method.name if method else requested,
            params={},
            at=at,
            http_method=request.method,
            content_type=request.content_type,
        )
        self.calls.append(call)
        try:
            call.params = await self._read_params(request)
            if request.match_info["token"] != self._token:
                raise ApiError(401, "Unauthorized")
            delays = self._delays.get(key)
            if delays:
                await self._sleep(delays.popleft())
            faults = self._faults.get(key)
            fault = faults.popleft() if faults else None
            if fault is not None:
                raise ApiError(fault.status, fault.description, retry_after=fault.retry_after)
            if method is None:
                raise ApiError(404, "Not Found")
            result = method.handler(call.params)
            if inspect.isawaitable(result):
                result = await result
            reply = result if isinstance(result, MethodReply) else MethodReply(result)
            body: dict[str, Any] = {"ok": True, "result": reply.result}
            if reply.description:
                body["description"] = reply.description
            status = 200
        except ApiError as error:
            body, status = error.body(), error.status
        call.status = status
        return web.json_response(body, status=status)

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = {k: decode_param(k, v) for k, v in request.query.items()}
        if not request.can_read_body:
            return params
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            params.update({k: decode_param(k, v) for k, v in body.items()})
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    params[name] = UploadedFile(
                        value.name, value.filename, value.content_type, value.file.read()
                    )
                else:
                    text = value.decode() if isinstance(value, bytes | bytearray) else value
                    params[name] = decode_param(name, text)
        return params

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    def _pulse(self) -> None:
        """Wake every waiting getUpdates."""
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    # -- getMe and files --------------------------------------------------------------------

    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return copy.deepcopy(BOT_USER)

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id", ""))
        if file_id not in self._files:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        return {
            "file_id": file_id,
            "file_unique_id": unique_id(file_id),
            "file_size": len(self._files[file_id]),
            "file_path": f"files/{file_id}",
        }

    async def _download(self, request: web.Request) -> web.Response:
        content = self._files.get(request.match_info["file_id"])
        if request.match_info["token"] != self._token or content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="application/octet-stream")

    # -- chats and messages -----------------------------------------------------------------

    def _learn_chat(self, chat: Mapping[str, Any]) -> None:
        if isinstance(chat.get("id"), int):
            self._chats.setdefault(chat["id"], {}).update(copy.deepcopy(dict(chat)))

    def _learn_message(self, message: Mapping[str, Any]) -> None:
        chat = message.get("chat")
        if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
            return
        self._learn_chat(chat)
        if isinstance(message.get("sender_chat"), dict):
            self._learn_chat(message["sender_chat"])
        message_id = message.get("message_id")
        if isinstance(message_id, int) and message.get("date", 0) != 0:  # 0: inaccessible
            self._messages[(chat["id"], message_id)] = copy.deepcopy(dict(message))
            last = self._last_message_id.get(chat["id"], 0)
            self._last_message_id[chat["id"]] = max(last, message_id)
        if isinstance(message.get("reply_to_message"), dict):
            self._learn_message(message["reply_to_message"])

    def _normalise_chat_id(self, chat_id: int | str) -> int:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            return int(self._resolve_chat({"chat_id": chat_id})["id"])
        return int(chat_id)

    def _resolve_chat(self, params: Mapping[str, Any], name: str = "chat_id") -> dict[str, Any]:
        raw = params.get(name)
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        chat_id: int | None = None
        if isinstance(raw, str) and raw.startswith("@"):
            username = raw[1:].lower()
            for chat in self._chats.values():
                if str(chat.get("username", "")).lower() == username:
                    return copy.deepcopy(chat)
        elif isinstance(raw, int) and not isinstance(raw, bool):
            chat_id = raw
        elif isinstance(raw, str | float):
            with contextlib.suppress(ValueError):
                chat_id = int(raw)
        if not chat_id:
            raise bad_request("chat not found")
        known = self._chats.get(chat_id)
        return copy.deepcopy(known) if known else {"id": chat_id, "type": chat_type(chat_id)}
