"""A fake Telegram Bot API server speaking the real wire format, as python-telegram-bot 22 uses it.

`FakeTelegramApi` is an aiohttp server on 127.0.0.1 (a free port) that answers
``GET|POST /bot<token>/<method>`` like api.telegram.org does:

* parameters come from the query string, a JSON body, an urlencoded form or a multipart form.
  PTB's HTTPXRequest sends a form whose non-string values are JSON-encoded strings
  (``chat_id=42``, ``reply_markup={"inline_keyboard": ...}``); those are decoded, while the
  parameters Telegram reads as plain strings (``text``, ``parse_mode``, ...) are kept as sent;
* answers are ``{"ok": true, "result": ...}`` or
  ``{"ok": false, "error_code": N, "description": "...", "parameters": {"retry_after": S}}``
  with the matching HTTP status, which is what PTB turns into its exceptions;
* method names are case-insensitive, as in the Bot API.

Implemented methods: getMe, getUpdates (long polling), setWebhook, deleteWebhook,
getWebhookInfo, sendMessage, sendPhoto, answerCallbackQuery, sendChatAction, getFile. Anything
else answers 404 "Not Found" (PTB: InvalidToken, or EndPointNotFound from ``do_api_request``)
unless a test `stub`s it.

Deliberate simplifications: message ids count per chat; parse_mode HTML is parsed into
entities (and rejected like Telegram rejects bad markup), Markdown/MarkdownV2 text is returned
as sent, without entities or checks; sent text gets no automatic url/mention/command entities.
sendPhoto takes any non-empty upload (its PhotoSize dimensions are read from a PNG or JPEG
header, else 1280x720; every size serves the uploaded bytes) and never fetches an HTTP URL
(it answers like an unknown file_id).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import hashlib
import inspect
import json
import math
import re
import secrets
import struct
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiohttp import web

from tests.fakes.local_server import LocalServer
from tests.fakes.telegram_html import MarkupError, parse_html, strip_text

BOT_ID = 777000111
BOT_USERNAME = "PolresTestBot"
# A token of the real shape: the bot id, a colon and 35 url-safe characters.
DEFAULT_TOKEN = f"{BOT_ID}:AAH6ffRSjg4ze7kO0MFsdNmZZhTnCzi_BU_"

# What getMe answers.
BOT_USER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Polres Bot",
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}
# The bot as the sender ("from") of its own messages: the getMe-only fields are absent.
BOT_SENDER: dict[str, Any] = {k: BOT_USER[k] for k in ("id", "is_bot", "first_name", "username")}

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
# The longest side of each PhotoSize Telegram makes of a photo (the largest capped at 1280).
PHOTO_SIDES = (90, 320, 800, 1280)
DEFAULT_PHOTO_SIZE = (1280, 720)  # width, height of an upload whose header the fake can't read
MAX_CALLBACK_DATA_BYTES = 64
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document"
    " choose_sticker find_location record_video_note upload_video_note".split()
)
PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})
# Parameters Telegram reads as strings: a form value for these is never JSON-decoded
# (so a text "42" or "true" stays a string).
STRING_PARAMS = frozenset(
    "text caption parse_mode url secret_token callback_query_id action ip_address data photo"
    " business_connection_id message_effect_id inline_message_id emoji title description".split()
)
# Update types Telegram leaves out when allowed_updates is not set (or set to []).
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# Keys of an Update that carry a Message.
MESSAGE_KEYS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)
INLINE_BUTTON_ACTIONS = frozenset(
    "url callback_data web_app login_url switch_inline_query switch_inline_query_current_chat"
    " switch_inline_query_chosen_chat copy_text callback_game pay".split()
)

WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)


class ApiError(Exception):
    """An unsuccessful Bot API answer: HTTP status == error_code, description, parameters."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request (e.g. setWebhook's certificate)."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class ApiCall:
    """One request as the fake saw it. `status` is None while the answer is pending."""

    method: str  # canonical name ("sendMessage") for known methods, else as requested
    params: dict[str, Any]
    at: float  # time.monotonic() on arrival
    http_method: str = "POST"
    content_type: str = ""
    status: int | None = None


@dataclass(frozen=True)
class Sent:
    """What a send method accepted: the parameters and the Message Telegram answered."""

    chat_id: int
    message_id: int
    parse_mode: str | None
    reply_markup: dict[str, Any] | None  # decoded from the JSON the bot sent
    params: dict[str, Any]
    message: dict[str, Any]  # the Message object in the answer
    at: float  # time.monotonic() when accepted

    @property
    def callback_data(self) -> list[str]:
        """callback_data of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


@dataclass(frozen=True)
class SentMessage(Sent):
    """A message sendMessage accepted."""

    text: str  # the text parameter as sent (markup included)

    @property
    def plain_text(self) -> str:
        """The text as the user sees it (HTML markup parsed away)."""
        return str(self.message["text"])


@dataclass(frozen=True)
class SentPhoto(Sent):
    """A photo sendPhoto accepted, uploaded or sent again by file_id."""

    caption: str | None  # the caption parameter as sent (markup included)
    file_id: str  # the file_id sent, or for an upload the new one of its largest size
    uploaded: bool  # the bot uploaded the bytes (multipart) rather than sending a file_id
    file_size: int  # bytes of the photo
    sha256: str  # of the photo's bytes, hex

    @property
    def plain_caption(self) -> str:
        """The caption as the user sees it (HTML markup parsed away; "" if none)."""
        return str(self.message.get("caption", ""))

    @property
    def sizes(self) -> list[dict[str, Any]]:
        """The PhotoSize objects of the answer, smallest first."""
        return list(self.message["photo"])


@dataclass(frozen=True)
class WebhookConfig:
    """What the last successful setWebhook asked for."""

    url: str
    secret_token: str | None = None
    allowed_updates: list[str] | None = None
    drop_pending_updates: bool = False
    max_connections: int = 40
    ip_address: str | None = None
    has_custom_certificate: bool = False


@dataclass(frozen=True)
class RateLimit:
    """Flood control: Telegram's documented limits for bots by default."""

    per_second: int = 30
    per_chat_per_second: int = 1
    per_group_per_minute: int | None = 20


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None


@dataclass
class _Reply:
    result: Any
    description: str | None = None


Handler = Callable[[dict[str, Any]], Any]
T = TypeVar("T")
S = TypeVar("S", bound=Sent)


@dataclass
class _Method:
    name: str
    handler: Handler


# -- parameter decoding ---------------------------------------------------------------------


def decode_param(name: str, value: Any) -> Any:
    """A parameter value as Telegram reads it: JSON-encoded strings decoded, plain ones kept."""
    if not isinstance(value, str) or name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _as_int(params: Mapping[str, Any], name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return int(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f'invalid parameter "{name}"') from None


def _as_float(params: Mapping[str, Any], name: str, default: float) -> float:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f'invalid parameter "{name}"') from None


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1"}
    return bool(value)


def _chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


def _unique_id(file_id: str) -> str:
    """A stable file_unique_id of the real shape for a file_id."""
    digest = hashlib.sha256(file_id.encode()).digest()[:9]
    return "AQAD" + base64.urlsafe_b64encode(digest).decode()


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG or JPEG header; None if the bytes are neither."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return (width, height) if width and height else None
    i = 2 if data.startswith(b"\xff\xd8") else len(data)
    while i + 9 <= len(data) and data[i] == 0xFF:
        marker, length = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return (width, height) if width and height else None
        i += 2 + length
    return None


async def _wait_for(
    collect: Callable[[], list[T]],
    count: int,
    within: float,
    what: str,
    show: Callable[[T], Any] | None = None,
) -> list[T]:
    """Poll `collect` until it holds `count` items and return them; TimeoutError after `within`
    seconds, naming `what` (and each item as `show` shows it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while len(found := collect()) < count:
        if loop.time() >= deadline:
            shown = f": {[show(item) for item in found]}" if show else ""
            raise TimeoutError(f"{len(found)} of {count} {what} after {within}s{shown}")
        await asyncio.sleep(0.01)
    return found


def _check_reply_markup(markup: Any) -> dict[str, Any] | None:
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            if not INLINE_BUTTON_ACTIONS & button.keys():
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup


# -- the server ------------------------------------------------------------------------------


class FakeTelegramApi(LocalServer):
    """A Bot API server for one bot. Use as ``async with FakeTelegramApi() as api:``.

    Point PTB at it with ``telegram.Bot(api.token, base_url=api.base_url)`` (or
    ``ApplicationBuilder().token(api.token).base_url(api.base_url)``).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        allow_http_webhook: bool = False,
    ) -> None:
        """`allow_http_webhook` lifts Telegram's HTTPS-on-80/88/443/8443 rule for setWebhook
        (for a test whose bot listens on plain http://127.0.0.1:PORT)."""
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
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_message_id: dict[int, int] = {}

        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, deque[float]] = {}
        self._blocked: dict[int, str | None] = {}
        self._rate_limit: RateLimit | None = None
        self._send_log: deque[tuple[float, int]] = deque()

        self._poll_generation = 0
        self._wakeup = asyncio.Event()
        self._closing = asyncio.Event()

        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
        }
        self._files: dict[str, bytes] = {}  # file_id → content, served by getFile + /file/
        self._photos: dict[str, list[dict[str, Any]]] = {}  # file_id → its PhotoSize array
        self._methods: dict[str, _Method] = {
            name.lower(): _Method(name, handler) for name, handler in handlers.items()
        }

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

    # -- addresses --------------------------------------------------------------------------

    @property
    def token(self) -> str:
        return self._token

    @property
    def base_url(self) -> str:
        """PTB's base_url: PTB appends the token, then "/<method>"."""
        return f"{self.url}/bot"

    def add_file(self, file_id: str, content: bytes) -> None:
        """A file users sent (e.g. a photo): getFile describes it, /file/bot<token>/… serves it."""
        self._files[file_id] = content

    @property
    def bot_user(self) -> dict[str, Any]:
        return copy.deepcopy(BOT_USER)

    # -- test controls ----------------------------------------------------------------------

    def queue_update(self, update: Mapping[str, Any]) -> int | None:
        """Queue an Update for getUpdates; returns its update_id (None if allowed_updates drops it).

        Telegram numbers updates itself: an update_id that is missing, or not above every id
        queued so far, is replaced by the next free one (so the same fixture can be queued twice).
        """
        data = copy.deepcopy(dict(update))
        update_id = data.get("update_id")
        if not isinstance(update_id, int) or update_id <= self._highest_update_id:
            update_id = self._highest_update_id + 1
        data["update_id"] = update_id
        self._highest_update_id = update_id
        self.learn_update(data)
        kind = next((key for key in data if key != "update_id"), None)
        if not self._is_allowed(kind):
            return None
        self._updates.append(data)
        self._pulse()
        return update_id

    def learn_update(self, update: Mapping[str, Any]) -> None:
        """Remember the chats and messages of an update without queueing it (e.g. an update a
        test posts to the bot's webhook), so replies to those messages resolve."""
        for key in MESSAGE_KEYS:
            if isinstance(update.get(key), dict):
                self._learn_message(update[key])
        callback = update.get("callback_query")
        if isinstance(callback, dict) and isinstance(callback.get("message"), dict):
            self._learn_message(callback["message"])
        for key in ("my_chat_member", "chat_member", "chat_join_request"):
            if isinstance(update.get(key), dict) and isinstance(update[key].get("chat"), dict):
                self._learn_chat(update[key]["chat"])

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Queued updates not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self._updates)

    def sent_messages(self, chat_id: int | str | None = None) -> list[SentMessage]:
        """Messages sendMessage accepted, oldest first, optionally for one chat."""
        return self._in_chat(self._sent, chat_id)

    def sent_photos(self, chat_id: int | str | None = None) -> list[SentPhoto]:
        """Photos sendPhoto accepted, oldest first, optionally for one chat."""
        return self._in_chat(self._sent_photos, chat_id)

    def _in_chat(self, records: list[S], chat_id: int | str | None) -> list[S]:
        if chat_id is None:
            return list(records)
        wanted = self._normalise_chat_id(chat_id)
        return [r for r in records if r.chat_id == wanted]

    def watch_messages(self, watcher: Callable[[SentMessage], None]) -> Callable[[], None]:
        """Call `watcher` with each message sendMessage accepts from now on (a benchmark sees
        each reply the moment it arrives); returns the call that stops watching."""
        self._message_watchers.append(watcher)
        return lambda: self._message_watchers.remove(watcher)

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method (any letter case), oldest first."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int = 3,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with an error instead of handling them.

        429 answers "Too Many Requests: retry after N" with parameters.retry_after (PTB:
        RetryAfter); other statuses answer their HTTP phrase unless `description` is given
        (500 -> PTB NetworkError, 502 -> NetworkError, 400 -> BadRequest, 403 -> Forbidden,
        409 -> Conflict).
        """
        if status == 429:
            fault = _Fault(
                429, description or f"Too Many Requests: retry after {retry_after}", retry_after
            )
        else:
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            fault = _Fault(status, description or phrase, None)
        self._faults.setdefault(method.lower(), deque()).extend([fault] * times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next `times` calls of `method` for `seconds` before answering them.

        The call is still carried out after the delay, even if the client gave up meanwhile
        (as on Telegram: a timed-out sendMessage may have been delivered).
        """
        self._delays.setdefault(method.lower(), deque()).extend([seconds] * times)

    def block_chat(self, chat_id: int | str, description: str | None = None) -> None:
        """sendMessage / sendPhoto / sendChatAction to this chat answer 403 (user blocked the
        bot)."""
        self._blocked[self._normalise_chat_id(chat_id)] = description

    def unblock_chat(self, chat_id: int | str) -> None:
        self._blocked.pop(self._normalise_chat_id(chat_id), None)

    def rate_limit(
        self,
        per_second: int = 30,
        per_chat_per_second: int = 1,
        per_group_per_minute: int | None = 20,
    ) -> None:
        """Flood control like Telegram's: sendMessage or sendPhoto beyond these answers 429 with
        retry_after.

        Counted over the messages and photos accepted in the last second (all chats, one chat)
        and the last minute (one group or supergroup).
        """
        self._rate_limit = RateLimit(per_second, per_chat_per_second, per_group_per_minute)

    def disable_rate_limit(self) -> None:
        self._rate_limit = None

    def stub(self, method: str, result: Any | Callable[[dict[str, Any]], Any] = True) -> None:
        """Answer `method` (otherwise 404) with `result`, or with result(params) if callable
        (sync or async; it may raise ApiError)."""
        handler: Handler = result if callable(result) else (lambda _params: copy.deepcopy(result))
        self._methods[method.lower()] = _Method(method, handler)

    def reset(self) -> None:
        """Forget calls, messages, photos, updates, faults, blocks, the rate limit and the
        webhook (files stay, so a file_id stays valid)."""
        self.calls.clear()
        self._sent.clear()
        self._sent_photos.clear()
        self._updates.clear()
        self._allowed_updates = None
        self.webhook = None
        self._faults.clear()
        self._delays.clear()
        self._blocked.clear()
        self._rate_limit = None
        self._send_log.clear()

    async def wait_for_calls(
        self, method: str, count: int = 1, *, within: float = 5.0
    ) -> list[ApiCall]:
        """Wait until `count` calls of `method` have been answered; returns them all.
        TimeoutError after `within` seconds."""

        def answered() -> list[ApiCall]:
            return [c for c in self.calls_to(method) if c.status is not None]

        return await _wait_for(answered, count, within, f"{method} calls")

    async def wait_for_messages(
        self, count: int = 1, *, chat_id: int | str | None = None, within: float = 5.0
    ) -> list[SentMessage]:
        """Wait until `count` messages have been sent (to `chat_id`); returns them all.
        TimeoutError after `within` seconds."""
        return await _wait_for(
            lambda: self.sent_messages(chat_id), count, within, "messages", lambda m: m.text
        )

    async def wait_for_photos(
        self, count: int = 1, *, chat_id: int | str | None = None, within: float = 5.0
    ) -> list[SentPhoto]:
        """Wait until `count` photos have been sent (to `chat_id`); returns them all.
        TimeoutError after `within` seconds."""
        return await _wait_for(
            lambda: self.sent_photos(chat_id), count, within, "photos", lambda p: p.caption
        )

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
            if faults:
                fault = faults.popleft()
                raise ApiError(fault.status, fault.description, retry_after=fault.retry_after)
            if method is None:
                raise ApiError(404, "Not Found")
            result = method.handler(call.params)
            if inspect.isawaitable(result):
                result = await result
            reply = result if isinstance(result, _Reply) else _Reply(result)
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
        return copy.deepcopy(known) if known else {"id": chat_id, "type": _chat_type(chat_id)}

    def _check_blocked(self, chat: Mapping[str, Any]) -> None:
        if chat["id"] not in self._blocked:
            return
        description = self._blocked[chat["id"]]
        if description is None:
            description = {
                "private": "Forbidden: bot was blocked by the user",
                "group": "Forbidden: bot was kicked from the group chat",
                "supergroup": "Forbidden: bot was kicked from the supergroup chat",
                "channel": "Forbidden: bot is not a member of the channel chat",
            }.get(chat["type"], "Forbidden: bot was blocked by the user")
        raise ApiError(403, description)

    def _check_flood(self, chat: Mapping[str, Any]) -> None:
        limit = self._rate_limit
        if limit is None:
            return
        now = time.monotonic()
        while self._send_log and now - self._send_log[0][0] >= 60.0:
            self._send_log.popleft()

        def wait(times: list[float], window: float) -> int:
            return max(1, math.ceil(window - (now - times[0])))

        last_second = [t for t, _ in self._send_log if now - t < 1.0]
        if len(last_second) >= limit.per_second:
            raise too_many_requests(wait(last_second, 1.0))
        in_chat = [t for t, c in self._send_log if c == chat["id"] and now - t < 1.0]
        if len(in_chat) >= limit.per_chat_per_second:
            raise too_many_requests(wait(in_chat, 1.0))
        if limit.per_group_per_minute is not None and chat["type"] in ("group", "supergroup"):
            in_group = [t for t, c in self._send_log if c == chat["id"]]
            if len(in_group) >= limit.per_group_per_minute:
                raise too_many_requests(wait(in_group, 60.0))

    def _reply_target(
        self, chat: Mapping[str, Any], params: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = _as_int(reply, "message_id")
            target = self._resolve_chat(reply) if reply.get("chat_id") else chat
            allow = _as_bool(reply.get("allow_sending_without_reply", False))
        else:
            message_id = _as_int(params, "reply_to_message_id")
            target = chat
            allow = _as_bool(params.get("allow_sending_without_reply", False))
        if message_id is None:
            return None
        original = self._messages.get((int(target["id"]), message_id))
        if original is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        original = copy.deepcopy(original)
        original.pop("reply_to_message", None)  # Telegram does not nest replies further
        return original

    def _format(self, params: Mapping[str, Any], field_name: str) -> tuple[str, list[Any]]:
        raw = params.get(field_name)
        text = "" if raw is None else str(raw)
        given = params.get("entities" if field_name == "text" else f"{field_name}_entities")
        parse_mode = params.get("parse_mode")
        if isinstance(given, list):
            entities = [e for e in given if isinstance(e, dict)]
        elif parse_mode:
            if str(parse_mode).lower() not in PARSE_MODES:
                raise bad_request("unsupported parse_mode")
            try:
                html = str(parse_mode).lower() == "html"
                text, entities = parse_html(text) if html else (text, [])
            except MarkupError as error:
                raise bad_request(str(error)) from None
        else:
            entities = []
        return strip_text(text, entities)

    def _deliver(
        self, chat: dict[str, Any], params: Mapping[str, Any], content: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The part every send method shares once its own content is valid: reply_markup and
        the reply target checked, 403 for a blocked chat, flood control, then the new Message
        (with `content`), counted and remembered."""
        markup = _check_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        self._check_blocked(chat)
        self._check_flood(chat)
        message = self._new_message(chat, params)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(content)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
        self._send_log.append((time.monotonic(), chat["id"]))
        self._messages[(chat["id"], message["message_id"])] = copy.deepcopy(message)
        return message

    @staticmethod
    def _sent_fields(params: dict[str, Any], message: Mapping[str, Any]) -> dict[str, Any]:
        """The fields of a `Sent` record for an accepted send."""
        parse_mode = params.get("parse_mode")
        return {
            "chat_id": message["chat"]["id"],
            "message_id": message["message_id"],
            "parse_mode": None if parse_mode is None else str(parse_mode),
            "reply_markup": copy.deepcopy(_check_reply_markup(params.get("reply_markup"))),
            "params": params,
            "message": copy.deepcopy(dict(message)),
            "at": time.monotonic(),
        }

    def _new_message(self, chat: dict[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
        message_id = self._last_message_id.get(chat["id"], 0) + 1
        self._last_message_id[chat["id"]] = message_id
        message: dict[str, Any] = {"message_id": message_id}
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = copy.deepcopy(BOT_SENDER)
        message["chat"] = chat
        message["date"] = int(time.time())
        thread = _as_int(params, "message_thread_id")
        if thread is not None:
            message["message_thread_id"] = thread
        return message

    # -- methods ----------------------------------------------------------------------------

    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return copy.deepcopy(BOT_USER)

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        text, entities = self._format(params, "text")
        if not text:
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        message = self._deliver(chat, params, content)
        fields = self._sent_fields(params, message)
        sent = SentMessage(**fields, text=str(params.get("text")))
        self._sent.append(sent)
        for watcher in self._message_watchers:
            watcher(sent)
        return message

    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        photo = params.get("photo")
        if isinstance(photo, UploadedFile):
            if not photo.data:
                raise bad_request("file must be non-empty")
            data, sizes = photo.data, self._photo_sizes(photo.data)
            file_id = sizes[-1]["file_id"]
        else:
            file_id = "" if photo is None else str(photo)
            data, sizes = self._known_photo(file_id)
        caption, entities = self._format(params, "caption")
        if len(caption) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        message = self._deliver(chat, params, content)
        for size in sizes:  # an upload's file_ids exist once it was sent
            self._files[size["file_id"]] = data
            self._photos[size["file_id"]] = copy.deepcopy(sizes)
        caption_sent = params.get("caption")
        self._sent_photos.append(
            SentPhoto(
                **self._sent_fields(params, message),
                caption=None if caption_sent is None else str(caption_sent),
                file_id=file_id,
                uploaded=isinstance(photo, UploadedFile),
                file_size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
        return message

    def _known_photo(self, file_id: str) -> tuple[bytes, list[dict[str, Any]]]:
        """The bytes and PhotoSize array of a file_id sent before (or of a file a user sent)."""
        if not file_id:
            raise bad_request("there is no photo in the request")
        if file_id in self._photos:
            return self._files[file_id], copy.deepcopy(self._photos[file_id])
        if file_id in self._files:
            return self._files[file_id], self._photo_sizes(self._files[file_id], file_id)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _photo_sizes(self, data: bytes, largest_id: str | None = None) -> list[dict[str, Any]]:
        """The PhotoSize array Telegram makes of a photo, smallest first, with new file_ids
        (the largest one's is `largest_id` when given)."""
        width, height = _image_size(data) or DEFAULT_PHOTO_SIZE
        longest = max(width, height)
        sides = [side for side in PHOTO_SIDES if side < longest][:3]
        sizes = []
        for side in [*sides, min(longest, PHOTO_SIDES[-1])]:
            w, h = max(1, round(width * side / longest)), max(1, round(height * side / longest))
            file_id = f"AgACAgUAAxkDAAI{secrets.token_urlsafe(45)}"
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": _unique_id(file_id),
                    "width": w,
                    "height": h,
                    "file_size": max(1, len(data) * w * h // (width * height)),
                }
            )
        if largest_id is not None:
            sizes[-1].update(file_id=largest_id, file_unique_id=_unique_id(largest_id))
        return sizes

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        if not params.get("callback_query_id"):
            raise bad_request("QUERY_ID_INVALID")
        return True

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id", ""))
        if file_id not in self._files:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        return {
            "file_id": file_id,
            "file_unique_id": _unique_id(file_id),
            "file_size": len(self._files[file_id]),
            "file_path": f"files/{file_id}",
        }

    async def _download(self, request: web.Request) -> web.Response:
        content = self._files.get(request.match_info["file_id"])
        if request.match_info["token"] != self._token or content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="application/octet-stream")

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._check_blocked(chat)
        return True

    def _set_webhook(self, params: dict[str, Any]) -> _Reply:
        url = str(params.get("url") or "")
        if not url:
            return self._delete_webhook(params)
        parsed = urlsplit(url)
        if not parsed.hostname:
            raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
        if not self.allow_http_webhook:
            if parsed.scheme.lower() != "https":
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            if (parsed.port or 443) not in WEBHOOK_PORTS:
                raise bad_request(
                    "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
                )
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON array")
        drop = _as_bool(params.get("drop_pending_updates", False))
        if drop:
            self._updates.clear()
        if allowed is not None:
            self._allowed_updates = [str(kind) for kind in allowed]
        self.webhook = WebhookConfig(
            url=url,
            secret_token=None if secret is None else str(secret),
            allowed_updates=None if allowed is None else list(self._allowed_updates or []),
            drop_pending_updates=drop,
            max_connections=_as_int(params, "max_connections", 40) or 40,
            ip_address=None if params.get("ip_address") is None else str(params["ip_address"]),
            has_custom_certificate=isinstance(params.get("certificate"), UploadedFile),
        )
        self._pulse()  # a waiting getUpdates ends with 409
        return _Reply(True, "Webhook was set")

    def _delete_webhook(self, params: dict[str, Any]) -> _Reply:
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        was_set = self.webhook is not None
        self.webhook = None
        return _Reply(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": bool(self.webhook and self.webhook.has_custom_certificate),
            "pending_update_count": len(self._updates),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.ip_address:
                info["ip_address"] = self.webhook.ip_address
        if self._allowed_updates:
            info["allowed_updates"] = list(self._allowed_updates)
        return info

    def _is_allowed(self, kind: str | None) -> bool:
        if kind is None:
            return False
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in NOT_SENT_BY_DEFAULT

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = _as_int(params, "offset", 0) or 0
        limit = min(max(_as_int(params, "limit", 100) or 100, 1), 100)
        timeout = max(_as_float(params, "timeout", 0.0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._pulse()  # an older waiting getUpdates ends with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.webhook is not None:
                raise ApiError(409, "Conflict: terminated by setWebhook request")
            if generation != self._poll_generation:
                raise ApiError(409, POLL_CONFLICT)
            if self._updates or self._closing.is_set():
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            wakeup = self._wakeup
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), remaining)
