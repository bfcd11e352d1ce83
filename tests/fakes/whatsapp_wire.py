"""The Graph API's wire format as the fake WhatsApp Cloud API speaks it (see whatsapp_api.py).

The defaults and limits, Meta's error codes and the error answer (`GraphError`), webhook
signatures and message ids of the real shape, and the records the fake keeps of calls, media
and accepted sends.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

DEFAULT_VERSION = "v23.0"
DEFAULT_PHONE_NUMBER_ID = "106540352242922"
DISPLAY_PHONE_NUMBER = "6282110001100"
DEFAULT_TOKEN = "EAAtestG2ZBpQZCxWhatsAppFakeZBTokenZCdY9rXkL0"

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = ("image/jpeg", "image/png")
GRAPH_DOC = (
    "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
)

_TOO_MANY = (
    "Message failed to send because there were too many messages sent from this phone number"
)
_PAIR = "(Business Account, Consumer Account) pair rate limit hit"
_REENGAGE = (
    "Message failed to send because more than 24 hours have passed since the customer last"
    " replied to this number."
)
# code -> (default HTTP status, title, error_data.details), after Meta's "Error codes" page
# (developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
GRAPH_ERRORS: dict[int, tuple[int, str, str]] = {
    2: (503, "API Service", "Temporary due to downtime or due to being overloaded."),
    100: (400, "Invalid parameter", ""),
    190: (401, "Invalid OAuth access token - Cannot parse access token", ""),
    130429: (400, "Rate limit hit", f"{_TOO_MANY} in a short period of time"),
    131000: (500, "Something went wrong", ""),
    131008: (400, "Required parameter is missing", ""),
    131009: (400, "Parameter value is not valid", ""),
    131026: (400, "Message Undeliverable", ""),
    131047: (400, "Re-engagement message", _REENGAGE),
    131053: (400, "Media upload error", "Unable to upload the media used in the message."),
    131056: (400, _PAIR, f"{_TOO_MANY} to the same phone number in a short period of time."),
    132000: (400, "Number of parameters does not match the expected number of params", ""),
    132001: (404, "Template name does not exist in the translation", ""),
    132018: (400, "There was an issue with the parameters in your template.", ""),
    133004: (503, "Server temporarily unavailable", ""),
}
TRANSIENT_MESSAGE = "An unexpected error has occurred. Please retry your request later."


class GraphError(Exception):
    """An error answer of the Graph API."""

    def __init__(
        self,
        code: int,
        details: str | None = None,
        *,
        message: str | None = None,
        status: int | None = None,
        kind: str = "OAuthException",
        subcode: int | None = None,
        whatsapp: bool = True,
    ) -> None:
        default_status, title, default_details = GRAPH_ERRORS.get(code, (400, "Error", ""))
        self.code = code
        self.status = status or default_status
        self.message = message or (title if code == 190 else f"(#{code}) {title}")
        self.details = (details or default_details or title) if whatsapp else None
        self.kind = kind
        self.subcode = subcode
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.kind, "code": self.code}
        if self.details is not None:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.status >= 500:
            error["is_transient"] = True
        error["fbtrace_id"] = _trace_id()
        return {"error": error}


def _trace_id() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(17)).decode().rstrip("=")[:23]


def invalid(details: str) -> GraphError:
    return GraphError(100, details)


def required(name: str) -> GraphError:
    return GraphError(100, message=f"(#100) The parameter {name} is required.")


def not_valid(details: str) -> GraphError:
    return GraphError(131009, details)


def unsupported(method: str, object_id: str) -> GraphError:
    message = (
        f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be"
        f" loaded due to missing permissions, or does not support this operation. {GRAPH_DOC}"
    )
    return GraphError(100, message=message, kind="GraphMethodException", subcode=33, whatsapp=False)


def sign(body: bytes, app_secret: str) -> str:
    """The X-Hub-Signature-256 header Meta sends with a webhook POST of `body`."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def make_wamid(wa_id: str, *, outbound: bool = True, serial: str | None = None) -> str:
    """A message id of the real shape: base64 of the user's number and a hex serial
    (18 characters for messages the business sent, 20 for messages users sent)."""
    digits = wa_id.lstrip("+").encode()
    serial_bytes = (serial or secrets.token_hex(10 if not outbound else 9).upper()).encode()
    raw = b"\x1c\x18" + bytes([len(digits)]) + digits + b"\x15\x02\x00"
    raw += (b"\x11" if outbound else b"\x12") + b"\x18" + bytes([len(serial_bytes)])
    return "wamid." + base64.b64encode(raw + serial_bytes + b"\x00").decode()


@dataclass
class ApiCall:
    """One request as the fake saw it. `status` is None while pending (or if dropped)."""

    method: str
    path: str
    json: Any
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival
    status: int | None = None


@dataclass(frozen=True)
class Media:
    """A media file the fake holds: uploaded by the bot, or added by a test (`add_media`)."""

    id: str
    data: bytes
    mime_type: str
    filename: str = ""
    uploaded: bool = False  # POSTed to /media by the bot; only these can be sent by id

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class SentMessage:
    """A message the fake accepted: `to` is the recipient's wa_id (digits, no "+")."""

    to: str
    type: str
    payload: dict[str, Any]
    wamid: str
    at: float

    @property
    def text(self) -> str:
        """The text the user reads first: a text body or an interactive body."""
        if self.type == "text":
            return str(self.payload["text"]["body"])
        if self.type == "interactive":
            return str(self.payload["interactive"]["body"]["text"])
        if self.type == "image":
            return str(self.payload["image"].get("caption", ""))
        return ""

    @property
    def reply_ids(self) -> list[str]:
        """Ids of the reply buttons or list rows, in order."""
        action = self.payload.get("interactive", {}).get("action", {})
        buttons = [b["reply"]["id"] for b in action.get("buttons", [])]
        return buttons + [r["id"] for s in action.get("sections", []) for r in s["rows"]]


@dataclass(frozen=True)
class SentImage:
    """An image message the fake accepted: by `media_id` (then `media` is the upload) or by
    `link`."""

    to: str
    media_id: str | None
    link: str | None
    caption: str
    media: Media | None
    wamid: str
    at: float
