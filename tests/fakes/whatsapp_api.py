"""A fake WhatsApp Business Cloud API (Meta Graph API) server speaking the real wire format.

`FakeGraphApi` is an aiohttp server on 127.0.0.1 (a free port). ``api.base_url`` stands in for
``https://graph.facebook.com/v23.0``:

* ``POST {base}/{phone_number_id}/messages`` sends text, image, interactive (reply buttons,
  list) and template messages, or marks a message read. Success answers
  ``{"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id"}]}``;
  failure answers the Graph error object ``{"error": {"message", "type", "code",
  "error_data": {"messaging_product", "details"}, "fbtrace_id"}}`` with Meta's HTTP status
  (see GRAPH_ERRORS; token and unknown-object errors carry no error_data, as on Graph);
* ``POST {base}/{phone_number_id}/media`` uploads a JPEG or PNG image (multipart form:
  ``messaging_product``, ``type``, ``file``) and answers ``{"id": "<media id>"}``; an image
  message then sends it by that id (or sends a ``link``);
* ``GET {base}/{media_id}`` describes a media file and its (bearer-protected) download url;
  ``GET {base}/{phone_number_id}`` describes the business number;
* every request needs ``Authorization: Bearer <token>`` (else 401, code 190).

Deliberate simplifications: only text, image, interactive button/list, template and
mark-as-read requests are understood (other message types answer 100 Invalid parameter);
template components other than "body" are not checked; validation stops at the first error;
any recipient that looks like a phone number exists, and a session window is never enforced
(inject 131047 / 131026 with `fail_next`); no rate limits unless injected. Uploads take only
image/jpeg and image/png (the file part's Content-Type, as Meta reads it) and refuse one over
5 MB at once, where Meta may only fail the later send; an image ``link`` is never fetched.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import itertools
import re
import secrets
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.local_server import LocalServer

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
_TEMPLATE_TEXT = "Param text cannot have new-line/tab characters or more than 4 consecutive spaces"
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

_PHONE = re.compile(r"\+?[1-9]\d{5,14}")
_BAD_TEMPLATE_TEXT = re.compile(r"[\n\t]| {5,}")
_LENGTH = "{what} length invalid. Min length: {low}, Max length: {high}"


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


class _Drop(Exception):
    """Close the connection without answering."""


# -- request validation ------------------------------------------------------------------------


def _text_field(parent: Any, key: str, name: str, low: int, high: int, what: str) -> str:
    value = parent.get(key) if isinstance(parent, dict) else None
    if value is None or value == "":
        if low == 0:
            return ""
        raise required(name)
    if not isinstance(value, str):
        raise invalid(f"Param {name} must be a string.")
    if not low <= len(value) <= high:
        raise not_valid(_LENGTH.format(what=what, low=low, high=high))
    return value


def _check_product(product: Any) -> None:
    if product is None or product == "":
        raise required("messaging_product")
    if product != "whatsapp":
        raise invalid(f'Param messaging_product must be one of {{WHATSAPP}} - got "{product}".')


def _check_text(message: dict[str, Any]) -> None:
    text = message.get("text")
    if not isinstance(text, dict) or not isinstance(text.get("body"), str) or not text["body"]:
        raise required("text['body']")
    if len(text["body"]) > MAX_TEXT:
        raise invalid(f"Param text['body'] must be at most {MAX_TEXT} characters long.")
    if "preview_url" in text and not isinstance(text["preview_url"], bool):
        raise invalid("Param text['preview_url'] must be a boolean.")


def _check_unique(values: list[str], what: str) -> None:
    if len(set(values)) != len(values):
        raise not_valid(f"{what} is not unique")


def _check_interactive(message: dict[str, Any]) -> None:
    interactive = message.get("interactive")
    if not isinstance(interactive, dict):
        raise required("interactive")
    kind = interactive.get("type")
    if kind not in ("button", "list"):
        raise invalid(f"Param interactive['type'] must be one of {{BUTTON, LIST}} - got {kind!r}.")
    for part in ("header", "footer"):
        if part in interactive:
            _text_field(interactive[part], "text", f"interactive['{part}']['text']", 1, 60, part)
    body_max = 1024 if kind == "button" else MAX_TEXT
    _text_field(interactive.get("body"), "text", "interactive['body']['text']", 1, body_max, "Body")
    action = interactive.get("action")
    if not isinstance(action, dict):
        raise required("interactive['action']")
    if kind == "button":
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            raise not_valid("Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3")
        for button in buttons:
            if not isinstance(button, dict) or button.get("type") != "reply":
                raise invalid("Param interactive['action']['buttons'][]['type'] must be 'reply'")
            reply = button.get("reply")
            _text_field(reply, "id", "reply['id']", 1, 256, "Button id")
            _text_field(reply, "title", "reply['title']", 1, 20, "Button title")
        _check_unique([b["reply"]["id"] for b in buttons], "Button id")
        _check_unique([b["reply"]["title"] for b in buttons], "Button title")
        return
    _text_field(action, "button", "interactive['action']['button']", 1, 20, "Button text")
    sections = action.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
        raise not_valid("Invalid sections count. Min allowed sections: 1, Max allowed sections: 10")
    row_ids: list[str] = []
    for section in sections:
        if not isinstance(section, dict) or not isinstance(section.get("rows"), list):
            raise required("interactive['action']['sections'][]['rows']")
        if len(sections) > 1 or "title" in section:
            _text_field(section, "title", "sections[]['title']", 1, 24, "Section title")
        for row in section["rows"]:
            row_ids.append(_text_field(row, "id", "rows[]['id']", 1, 200, "Row id"))
            _text_field(row, "title", "rows[]['title']", 1, 24, "Row title")
            _text_field(row, "description", "rows[]['description']", 0, 72, "Row description")
    if not 1 <= len(row_ids) <= 10:
        raise not_valid("Total row count exceed max allowed count: 10")
    _check_unique(row_ids, "Row id")


def _body_parameters(template: dict[str, Any]) -> list[Any]:
    components = template.get("components", [])
    if not isinstance(components, list):
        raise invalid("Param template['components'] must be an array.")
    parameters: list[Any] = []
    for component in components:
        if not isinstance(component, dict) or not isinstance(component.get("type"), str):
            raise required("template['components'][]['type']")
        if component["type"].lower() == "body":
            parameters.extend(component.get("parameters") or [])
    for parameter in parameters:
        if not isinstance(parameter, dict) or not isinstance(parameter.get("type"), str):
            raise required("template['components'][]['parameters'][]['type']")
        if parameter["type"] == "text":
            value = parameter.get("text")
            if not isinstance(value, str) or not value.strip():
                raise GraphError(131008, "Parameter text is required for a text parameter")
            if _BAD_TEMPLATE_TEXT.search(value):
                raise GraphError(132018, _TEMPLATE_TEXT)
    return parameters


# -- the server --------------------------------------------------------------------------------


class FakeGraphApi(LocalServer):
    """The Cloud API for one business phone number. Use as ``async with FakeGraphApi() as api:``
    and point the bot's WHATSAPP_API_BASE_URL at ``api.base_url``."""

    def __init__(
        self,
        version: str = DEFAULT_VERSION,
        phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
        token: str = DEFAULT_TOKEN,
        *,
        display_phone_number: str = DISPLAY_PHONE_NUMBER,
        host: str = "127.0.0.1",
    ) -> None:
        self.version = version
        self.phone_number_id = phone_number_id
        self.token = token
        self.display_phone_number = display_phone_number
        super().__init__(host)
        self._closing = asyncio.Event()
        self._serial = itertools.count(1)
        self.calls: list[ApiCall] = []
        self._sent: list[SentMessage] = []
        self._read: list[str] = []
        self._templates: dict[tuple[str, str], int] = {}
        self._media: dict[str, Media] = {}
        self._faults: deque[GraphError | None] = deque()  # None: drop the connection
        self._delays: deque[float] = deque()

    # -- lifecycle ---------------------------------------------------------------------------

    def application(self) -> web.Application:
        app = web.Application(client_max_size=4 * MAX_IMAGE_BYTES)  # room for a too-big upload
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        return app

    async def start(self) -> None:
        await super().start()
        self._closing.clear()

    async def close(self) -> None:
        self._closing.set()
        await super().close()

    @property
    def base_url(self) -> str:
        """Stands in for https://graph.facebook.com/<version>."""
        return f"{self.url}/{self.version}"

    # -- test controls -----------------------------------------------------------------------

    def add_template(self, name: str, language_code: str, body_params: int = 0) -> None:
        """An approved template the fake accepts, with `body_params` body variables."""
        self._templates[(name, language_code)] = body_params

    def add_media(self, media_id: str, data: bytes, mime_type: str = "image/jpeg") -> None:
        """A file a user sent (its id is in the webhook); GET {base}/{media_id} describes it."""
        self._media[media_id] = Media(media_id, data, mime_type)

    def media(self, media_id: str) -> Media:
        """A media file by id, uploaded or added; KeyError if the fake has none."""
        return self._media[media_id]

    def uploaded_media(self) -> list[Media]:
        """Files the bot uploaded, oldest first."""
        return [m for m in self._media.values() if m.uploaded]

    def sent_messages(self, to: str | None = None) -> list[SentMessage]:
        """Accepted sends (mark-as-read excluded), oldest first, optionally to one number."""
        if to is None:
            return list(self._sent)
        return [m for m in self._sent if m.to == to.lstrip("+")]

    def sent_images(self, to: str | None = None) -> list[SentImage]:
        """Accepted image messages, oldest first, optionally to one number."""
        return [
            SentImage(
                to=m.to,
                media_id=m.payload["image"].get("id"),
                link=m.payload["image"].get("link"),
                caption=m.text,
                media=self._media.get(m.payload["image"].get("id", "")),
                wamid=m.wamid,
                at=m.at,
            )
            for m in self.sent_messages(to)
            if m.type == "image"
        ]

    def read_receipts(self) -> list[str]:
        """Message ids the bot marked read, in order."""
        return list(self._read)

    def fail_next(
        self,
        code: int,
        *,
        http_status: int | None = None,
        times: int = 1,
        message: str | None = None,
    ) -> None:
        """Answer the next `times` message sends (not mark-as-read) with Graph error `code`.

        The HTTP status defaults to Meta's for that code (GRAPH_ERRORS; 400 when unknown).
        With a status of 500 or more the answer is a plain transient Graph error (no error_data).
        """
        transient = http_status is not None and http_status >= 500
        message = message or (TRANSIENT_MESSAGE if transient else None)
        error = GraphError(code, message=message, status=http_status, whatsapp=not transient)
        self._faults.extend([error] * times)

    def slow_next(self, seconds: float, times: int = 1) -> None:
        """Hold the next `times` message sends for `seconds`; they are still carried out after
        (a timed-out send may have been delivered, as on the real API)."""
        self._delays.extend([seconds] * times)

    def reset_connection_next(self, times: int = 1) -> None:
        """Drop the connection of the next `times` message sends without answering (not sent)."""
        self._faults.extend([None] * times)

    def reset(self) -> None:
        """Forget calls, sends, read receipts and pending faults (templates, added and uploaded
        media stay)."""
        self.calls.clear()
        self._sent.clear()
        self._read.clear()
        self._faults.clear()
        self._delays.clear()

    async def wait_for_messages(
        self, count: int = 1, *, to: str | None = None, within: float = 5.0
    ) -> list[SentMessage]:
        """Wait until `count` messages were accepted (to `to`); TimeoutError after `within`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while len(sent := self.sent_messages(to)) < count:
            if loop.time() >= deadline:
                texts = [m.text for m in sent]
                raise TimeoutError(f"{len(sent)} of {count} messages after {within}s: {texts}")
            await asyncio.sleep(0.01)
        return sent

    # -- HTTP --------------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        body: Any = None
        # A multipart body is left unread here: the upload reads it as a form.
        if request.can_read_body and request.content_type != "multipart/form-data":
            with contextlib.suppress(ValueError):
                body = await request.json()
        call = ApiCall(request.method, request.path, body, dict(request.headers), time.monotonic())
        self.calls.append(call)
        try:
            response = await self._route(request, body)
        except GraphError as error:
            response = web.json_response(error.body(), status=error.status)
            response.headers["WWW-Authenticate"] = (
                f'OAuth "Facebook Platform" "invalid_request" "{error.message}"'
            )
        except _Drop:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=204)  # never reaches the client: status stays None
        call.status = response.status
        return response

    async def _route(self, request: web.Request, body: Any) -> web.StreamResponse:
        parts = request.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "whatsapp_media" and request.method == "GET":
            self._authorize(request)
            return self._download(parts[1])
        if parts[0] != self.version or len(parts) not in (2, 3):
            raise GraphError(
                2500, message=f"Unknown path components: {request.path}", whatsapp=False
            )
        self._authorize(request)
        node = parts[1]
        if len(parts) == 2 and request.method == "GET":
            return self._describe(node)
        if node != self.phone_number_id or request.method != "POST":
            raise unsupported(request.method.lower(), node)
        if parts[2:] == ["media"]:
            return await self._upload(request)
        if parts[2:] != ["messages"]:
            raise unsupported(request.method.lower(), node)
        return await self._messages(body if isinstance(body, dict) else {})

    def _authorize(self, request: web.Request) -> None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), self.token):
            raise GraphError(190, whatsapp=False)

    async def _upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        _check_product(form.get("messaging_product"))
        file = form.get("file")
        if not isinstance(file, web.FileField):
            raise required("file")
        mime_type = file.content_type.split(";")[0].strip().lower()
        if mime_type not in IMAGE_TYPES:
            raise GraphError(
                100,
                message="(#100) Param file must be a file with one of the following types: "
                f"{', '.join(IMAGE_TYPES)}. Received file of type '{mime_type}'.",
            )
        declared = form.get("type")
        if not isinstance(declared, str) or not declared:
            raise required("type")
        if declared.strip().lower() != mime_type:
            raise GraphError(
                131053, f"Param type ({declared}) does not match the file's type ({mime_type})."
            )
        data = file.file.read()
        if not data:
            raise required("file")
        if len(data) > MAX_IMAGE_BYTES:
            raise GraphError(
                131053,
                "Media file size too big. Max file size we currently support:"
                f" {MAX_IMAGE_BYTES // (1024 * 1024)}MB.",
            )
        media_id = str(10**15 + secrets.randbelow(9 * 10**15))
        self._media[media_id] = Media(media_id, data, mime_type, file.filename, uploaded=True)
        return web.json_response({"id": media_id})

    async def _messages(self, message: dict[str, Any]) -> web.Response:
        _check_product(message.get("messaging_product"))
        if message.get("status") is not None or "message_id" in message:
            return self._mark_read(message)
        if self._delays:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self._delays.popleft())
        if self._faults:
            fault = self._faults.popleft()
            raise _Drop if fault is None else fault
        to = message.get("to")
        if to is None or to == "":
            raise required("to")
        if not _PHONE.fullmatch(str(to)):
            raise invalid(f"Param to is not a valid phone number: {to!r}")
        kind = message.get("type", "text")
        if kind == "text":
            _check_text(message)
        elif kind == "interactive":
            _check_interactive(message)
        elif kind == "template":
            self._check_template(message)
        elif kind == "image":
            self._check_image(message)
        else:
            raise invalid(f"Param type {kind!r} is not supported by the fake")
        wa_id = str(to).lstrip("+")
        wamid = make_wamid(wa_id, serial=f"{next(self._serial):06X}{secrets.token_hex(6).upper()}")
        self._sent.append(SentMessage(wa_id, kind, message, wamid, time.monotonic()))
        sent: dict[str, Any] = {"id": wamid}
        if kind == "template":
            sent["message_status"] = "accepted"
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": str(to), "wa_id": wa_id}],
                "messages": [sent],
            }
        )

    def _mark_read(self, message: dict[str, Any]) -> web.Response:
        if message.get("status") != "read":
            raise invalid(f"Param status must be one of {{READ}} - got {message.get('status')!r}.")
        message_id = message.get("message_id")
        if not isinstance(message_id, str) or not message_id.startswith("wamid."):
            raise invalid("Param message_id is not a valid WhatsApp message id.")
        self._read.append(message_id)
        return web.json_response({"success": True})

    def _check_image(self, message: dict[str, Any]) -> None:
        image = message.get("image")
        if not isinstance(image, dict):
            raise required("image")
        media_id, link = image.get("id"), image.get("link")
        if (media_id is None) == (link is None):
            raise invalid("Param image must have either an id or a link, not both.")
        if media_id is not None:
            media = self._media.get(str(media_id))
            if not isinstance(media_id, str) or media is None or not media.uploaded:
                raise invalid(
                    "Param image['id'] is not a valid whatsapp business account media attachment ID"
                )
        elif not isinstance(link, str) or not re.match(r"https?://[^/\s]+", link):
            raise invalid("Param image['link'] must be a valid URL.")
        _text_field(image, "caption", "image['caption']", 0, MAX_CAPTION, "Caption")

    def _check_template(self, message: dict[str, Any]) -> None:
        template = message.get("template")
        if not isinstance(template, dict) or not template.get("name"):
            raise required("template['name']")
        language = template.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        if not code:
            raise required("template['language']['code']")
        parameters = _body_parameters(template)
        expected = self._templates.get((str(template["name"]), str(code)))
        if expected is None:
            raise GraphError(132001, f"template name ({template['name']}) does not exist in {code}")
        if len(parameters) != expected:
            raise GraphError(
                132000,
                f"body: number of localizable_params ({len(parameters)}) does not match the"
                f" expected number of params ({expected})",
            )

    def _describe(self, node: str) -> web.Response:
        if node == self.phone_number_id:
            return web.json_response(
                {
                    "verified_name": "Polres Test",
                    "display_phone_number": self.display_phone_number,
                    "quality_rating": "GREEN",
                    "id": node,
                }
            )
        if node not in self._media:
            raise unsupported("get", node)
        media = self._media[node]
        query = f"mid={node}&ext={int(time.time())}&hash={secrets.token_urlsafe(18)}"
        return web.json_response(
            {
                "url": f"{self.url}/whatsapp_media/{node}?{query}",
                "mime_type": media.mime_type,
                "sha256": media.sha256,
                "file_size": len(media.data),
                "id": node,
                "messaging_product": "whatsapp",
            }
        )

    def _download(self, media_id: str) -> web.Response:
        if media_id not in self._media:
            return web.Response(status=404, text="Not Found")
        media = self._media[media_id]
        return web.Response(body=media.data, headers={"Content-Type": media.mime_type})
