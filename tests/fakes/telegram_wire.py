"""The Bot API's wire format as the fake Telegram server speaks it (see telegram_api.py).

The bot's identity and Telegram's limits, the error answer (`ApiError`), the records the fake
keeps of calls and accepted sends, and the decoding and checks of request parameters.
Tests import from telegram_api, which re-exports what a test needs; the rest serves the fake's
own modules.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

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
class Fault:
    status: int
    description: str
    retry_after: int | None


@dataclass
class MethodReply:
    result: Any
    description: str | None = None


Handler = Callable[[dict[str, Any]], Any]
T = TypeVar("T")
S = TypeVar("S", bound=Sent)


@dataclass
class Method:
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


def as_int(params: Mapping[str, Any], name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return int(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f'invalid parameter "{name}"') from None


def as_float(params: Mapping[str, Any], name: str, default: float) -> float:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f'invalid parameter "{name}"') from None


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1"}
    return bool(value)


def chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


def unique_id(file_id: str) -> str:
    """A stable file_unique_id of the real shape for a file_id."""
    digest = hashlib.sha256(file_id.encode()).digest()[:9]
    return "AQAD" + base64.urlsafe_b64encode(digest).decode()


def image_size(data: bytes) -> tuple[int, int] | None:
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


async def poll_until(
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


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
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
