"""WhatsApp Business Cloud API: signed webhooks in, Graph API messages out.

The webhook checks X-Hub-Signature-256 before reading anything, stores each message in the
inbox and answers 200 at once; the inbox worker answers later. Status callbacks (sent,
delivered, read, failed) update the outbound message. WhatsAppSender sends through the outbox
within the number's throughput and the per-citizen pair rate, free-form inside the 24-hour
customer-service window and as the approved template outside it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels.body import parse_json, read_body
from bot.channels.text import split_text
from bot.channels.uploads import Uploads
from bot.core.background import BackgroundTasks
from bot.core.errors import DeliveryError, InvalidInput
from bot.core.images import Image
from bot.core.ports import Accepted, Images, Outbox, Reception
from bot.core.ratelimit import KeyedWindows, SlidingWindow
from bot.core.types import (
    PHOTO,
    Button,
    Delivery,
    DeliveryReport,
    Inbound,
    Location,
    Media,
    OutboundMessage,
    Receipt,
    Reply,
)

CHANNEL = "whatsapp"
WEBHOOK_PATH = "/webhook/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY = 1024 * 1024
MAX_TEXT = 4096
MAX_BUTTON_BODY = 1024  # an interactive message's body
MAX_REPLY_BUTTONS = 3
MAX_LIST_ROWS = 10
MAX_TEMPLATE_PARAMETER = 1000
REPORT_RETRY_SECONDS = (1.0, 4.0, 15.0, 40.0)
log = logging.getLogger(__name__)

# Graph API error codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
REENGAGEMENT = 131047  # more than 24 h since the citizen's last message: template only
RATE_LIMITS = frozenset({4, 80007, 130429, 131048, 131056})  # slow down and retry
TEMPORARY = frozenset({1, 2, 131000, 131016})  # unknown / service unavailable: retry
UNREACHABLE = frozenset({131026, 131021, 131030})  # not on WhatsApp, cannot be messaged
PAIR_RATE = 131056  # this citizen was sent too many messages: about 1 per 6 s
THROUGHPUT = 130429

# Inbound types whose content is an attachment the bot keeps but cannot read.
_ATTACHMENTS = ("audio", "video", "sticker", "document")
_IGNORED = frozenset({"reaction", "system", "ephemeral", "request_welcome"})


# --- inbound ----------------------------------------------------------------------------------


def signature_matches(body: bytes, header: str | None, app_secret: str) -> bool:
    """X-Hub-Signature-256 is "sha256=" + HMAC-SHA256 of the raw body with the app secret."""
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), (header or "").encode())


@dataclass(frozen=True)
class Notification:
    """What one webhook POST carries for our phone number."""

    messages: tuple[Inbound, ...] = ()
    reports: tuple[DeliveryReport, ...] = ()


def parse_notification(payload: object, phone_number_id: str) -> Notification:
    """Messages and statuses for `phone_number_id`; raises InvalidInput for a body that is not
    a WhatsApp webhook notification. Other numbers' changes are skipped."""
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise InvalidInput("not a WhatsApp Business Account notification")
    messages: list[Inbound] = []
    reports: list[DeliveryReport] = []
    for entry in _list(payload.get("entry")):
        for change in _list(_dict(entry).get("changes")):
            change = _dict(change)
            value = _dict(change.get("value"))
            metadata = _dict(value.get("metadata"))
            if change.get("field") != "messages" or metadata.get("phone_number_id") != (
                phone_number_id
            ):
                continue
            names = {
                str(contact.get("wa_id")): _dict(contact.get("profile")).get("name")
                for contact in map(_dict, _list(value.get("contacts")))
            }
            for message in map(_dict, _list(value.get("messages"))):
                inbound = _inbound(message, names)
                if inbound is not None:
                    messages.append(inbound)
            reports.extend(
                report
                for report in map(_report, map(_dict, _list(value.get("statuses"))))
                if report is not None
            )
    return Notification(tuple(messages), tuple(reports))


def _inbound(message: dict[str, Any], names: Mapping[str, object]) -> Inbound | None:
    kind, sender, wamid = message.get("type"), message.get("from"), message.get("id")
    if not isinstance(kind, str) or not isinstance(sender, str) or not isinstance(wamid, str):
        return None
    if kind in _IGNORED:
        return None
    body = _dict(message.get(kind))
    text = ""
    media: tuple[Media, ...] = ()
    location: Location | None = None
    if kind == "text":
        text = _str(body.get("body"))
    elif kind == "interactive":
        # The button's id is the payload the bot gave it ("/ya", "/pilih question", …).
        choice = _dict(body.get("button_reply") or body.get("list_reply"))
        text = _str(choice.get("id")) or _str(choice.get("title"))
    elif kind == "button":  # a template's quick-reply button
        text = _str(body.get("payload")) or _str(body.get("text"))
    elif kind == "location":
        location = Location.checked(body.get("latitude"), body.get("longitude"))
        if location is None:
            return None
    elif kind == "image":
        text = _str(body.get("caption"))
        media = (Media(PHOTO, _str(body.get("id"))),)
    elif kind in _ATTACHMENTS:
        media = (Media(str(kind), _str(body.get("id"))),)
    else:  # contacts, order, unsupported…: something the bot cannot read
        media = (Media(kind[:32] or "unsupported", wamid),)
    name = names.get(sender)
    return Inbound(
        CHANNEL,
        sender,
        wamid,
        text=text.strip(),
        media=media,
        location=location,
        display_name=name if isinstance(name, str) and name.strip() else None,
    )


def _report(status: dict[str, Any]) -> DeliveryReport | None:
    wamid = status.get("id")
    try:
        delivery = Delivery(_str(status.get("status")))
    except ValueError:
        return None  # "deleted", "warning", …
    if not isinstance(wamid, str):
        return None
    errors = [_dict(error) for error in _list(status.get("errors"))]
    codes = [error.get("code") for error in errors]
    reason = "; ".join(f"{e.get('code')}: {e.get('title') or e.get('message')}" for e in errors)
    return DeliveryReport(
        CHANNEL,
        wamid,
        delivery,
        error=reason or None,
        resend_as_template=delivery is Delivery.FAILED and REENGAGEMENT in codes,
    )


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


class WhatsAppChannel:
    """The webhook routes, read receipts and media downloads."""

    def __init__(
        self,
        *,
        token: str,
        phone_number_id: str,
        app_secret: str,
        verify_token: str,
        api_base_url: str,
        reception: Reception,
        outbox: Outbox,
        on_accepted: Callable[[Accepted], None],
    ) -> None:
        self.graph = GraphApi(api_base_url, phone_number_id, token)
        self.phone_number_id = phone_number_id
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.reception = reception
        self.outbox = outbox
        self.on_accepted = on_accepted
        self._background = BackgroundTasks()

    async def start(self) -> None:
        await self.graph.open()

    async def stop(self) -> None:
        await self._background.cancel_all()
        await self.graph.close()

    def routes(self) -> Sequence[web.RouteDef]:
        return [web.get(WEBHOOK_PATH, self.verify), web.post(WEBHOOK_PATH, self.webhook)]

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's subscription handshake: echo hub.challenge for the right verify token."""
        query = request.query
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token.encode(), self.verify_token.encode()
        ):
            return web.Response(text=query.get("hub.challenge", ""), content_type="text/plain")
        return web.Response(status=403, text="verification failed")

    async def webhook(self, request: web.Request) -> web.Response:
        raw = await read_body(request, MAX_BODY)
        if raw is None:
            return _error(413, "notification is too large")
        if not signature_matches(raw, request.headers.get(SIGNATURE_HEADER), self.app_secret):
            return _error(403, "X-Hub-Signature-256 does not match")
        try:
            notification = parse_notification(parse_json(raw), self.phone_number_id)
        except (ValueError, InvalidInput) as error:
            message = str(error) if isinstance(error, InvalidInput) else "body is not JSON"
            return _error(400, message)
        accepted = await asyncio.gather(*map(self.reception.accept, notification.messages))
        if notification.reports:
            unmatched = await self.outbox.record_deliveries(notification.reports)
            if unmatched:
                self._background.start(self._record_later(unmatched))
        for inbound, stored in zip(notification.messages, accepted, strict=True):
            self.on_accepted(stored)
            if not stored.duplicate:
                self._background.start(self._mark_read(inbound.external_id))
        return web.json_response({"ok": True})

    async def fetch(self, ref: str) -> bytes:
        """A photo's bytes by its media id (implements bot.core.ports.MediaSource)."""
        return await self.graph.download(ref)

    async def _record_later(self, reports: Sequence[DeliveryReport]) -> None:
        """A status can overtake the outbox recording the send it is about: try again."""
        for delay in REPORT_RETRY_SECONDS:
            await asyncio.sleep(delay)
            reports = await self.outbox.record_deliveries(reports)
            if not reports:
                return

    async def _mark_read(self, wamid: str) -> None:
        try:
            await self.graph.post_message(
                {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
            )
        except DeliveryError as error:
            log.warning("mark as read failed: %s", error)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


# --- the Graph API ------------------------------------------------------------------------------


class GraphError(Exception):
    """An error object the Graph API answered (or an HTTP status without one)."""

    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(f"{code or status}: {message}")
        self.status = status
        self.code = code


class GraphApi:
    """The calls the bot makes: send a message (or a read receipt), upload and download media."""

    def __init__(self, base_url: str, phone_number_id: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.messages_url = f"{self.base_url}/{phone_number_id}/messages"
        self.media_url = f"{self.base_url}/{phone_number_id}/media"
        self._headers = {"Authorization": f"Bearer {token}"}
        self._http: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        timeout = aiohttp.ClientTimeout(total=30, connect=10)
        self._http = aiohttp.ClientSession(timeout=timeout, headers=self._headers)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None:
            raise RuntimeError("GraphApi.open() was not awaited")
        return self._http

    async def post_message(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """POST /{phone-number-id}/messages; raises GraphError or DeliveryError (network)."""
        return await self._post(self.messages_url, json=payload)

    async def upload(self, image: Image) -> str:
        """POST /{phone-number-id}/media: the media id to send the picture by."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", image.mime)
        form.add_field("file", image.data, filename=image.filename, content_type=image.mime)
        media_id = (await self._post(self.media_url, data=form)).get("id")
        if not isinstance(media_id, str):
            raise DeliveryError("media upload: no media id in the answer", retryable=True)
        return media_id

    async def _post(self, url: str, **body: Any) -> dict[str, Any]:
        try:
            async with self.http.post(url, **body) as response:
                return await _answer(response)
        except aiohttp.ConnectionTimeoutError:
            raise DeliveryError("could not connect in time", retryable=True) from None
        except TimeoutError:
            # The message may have arrived: sending it again could duplicate it.
            raise DeliveryError(
                "timed out; delivery uncertain, not retried", retryable=False
            ) from None
        except aiohttp.ClientError as error:
            raise DeliveryError(f"network error: {type(error).__name__}", retryable=True) from None

    async def download(self, media_id: str) -> bytes:
        """A media file: its URL from GET /{media-id}, then the bytes (both need the token)."""
        try:
            async with self.http.get(f"{self.base_url}/{media_id}") as response:
                url = (await _answer(response)).get("url")
            if not isinstance(url, str):
                raise DeliveryError(f"media {media_id!r}: no download URL", retryable=False)
            async with self.http.get(url) as response:
                response.raise_for_status()
                return await response.read()
        except GraphError as error:
            raise DeliveryError(f"media {media_id!r}: {error}", retryable=False) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryError(
                f"media {media_id!r}: {type(error).__name__}", retryable=True
            ) from None


async def _answer(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        body = await response.json(content_type=None)
    except ValueError:
        body = None
    if response.status < 400 and isinstance(body, dict):
        return body
    error = _dict(_dict(body).get("error"))
    code = error.get("code")
    message = _str(error.get("message")) or response.reason or "error"
    raise GraphError(response.status, code if isinstance(code, int) else None, message)


# --- outbound -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    name: str
    languages: Mapping[str, str]  # citizen's language → the template's language code


def render(reply: Reply, choose_label: str) -> list[dict[str, Any]]:
    """The message objects for a reply: text parts (≤4096 characters), the buttons on the last
    part as reply buttons (up to 3) or a list (up to 10)."""
    parts = split_text(reply.text, MAX_TEXT)
    if not reply.buttons:
        return [_text(part) for part in parts]
    head, last = _split_tail(parts.pop(), MAX_BUTTON_BODY)
    if head:
        parts.append(head)
    body = {"text": last or choose_label}
    if len(reply.buttons) <= MAX_REPLY_BUTTONS:
        action: dict[str, Any] = {
            "buttons": [
                {"type": "reply", "reply": {"id": b.payload[:256], "title": _short(b.title, 20)}}
                for b in reply.buttons
            ]
        }
        interactive = {"type": "button", "body": body, "action": action}
    else:
        rows = [_row(button) for button in reply.buttons[:MAX_LIST_ROWS]]
        action = {"button": _short(choose_label, 20), "sections": [{"rows": rows}]}
        interactive = {"type": "list", "body": body, "action": action}
    return [*map(_text, parts), {"type": "interactive", "interactive": interactive}]


def _split_tail(text: str, limit: int) -> tuple[str, str]:
    """(head, tail): the tail at most `limit` characters, cut at a line break or a space."""
    if len(text) <= limit:
        return "", text
    start = len(text) - limit
    cut = text.find("\n", start)
    if cut < 0:
        cut = text.find(" ", start)
    if cut < 0:
        cut = start
    return text[:cut].rstrip(), text[cut:].strip()


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": text, "preview_url": False}}


def _row(button: Button) -> dict[str, str]:
    row = {"id": button.payload[:200], "title": _short(button.title, 24)}
    if len(button.title) > 24:
        row["description"] = _short(button.title, 72)
    return row


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def template_message(message: OutboundMessage, template: Template) -> dict[str, Any]:
    """The approved template with the message as its one body parameter (parameters may not
    hold line breaks, tabs or runs of spaces)."""
    parameter = _short(" ".join(message.reply.text.split()), MAX_TEMPLATE_PARAMETER)
    language = template.languages.get(message.language) or next(iter(template.languages.values()))
    return {
        "type": "template",
        "template": {
            "name": template.name,
            "language": {"code": language},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": parameter}]}],
        },
    }


@dataclass
class WhatsAppSender:
    """Sends outbox messages within the number's throughput and the per-citizen pair rate."""

    graph: GraphApi
    template: Template
    images: Images
    choose_labels: Mapping[str, str]  # the list button's label per language
    messages_per_second: int
    recipient_messages_per_minute: int
    window: timedelta = timedelta(hours=24)
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    channel: str = CHANNEL

    def __post_init__(self) -> None:
        self._number = SlidingWindow(self.messages_per_second, 1.0)
        self._recipients = KeyedWindows(self.recipient_messages_per_minute, 60.0)
        self._paused_until = 0.0
        self._uploads = Uploads(self.images)  # media ids last 30 days, longer than a process

    def try_reserve(self, message: OutboundMessage) -> bool:
        now = self.clock()
        if now < self._paused_until or not self._number.allows(now):
            return False
        recipient = self._recipients.window(message.chat_id, now)
        if not recipient.allows(now):
            return False
        recipient.begin()
        self._number.begin()
        return True

    def wait_seconds(self) -> float:
        now = self.clock()
        return max(self._paused_until - now, self._number.wait(now))

    def free_slots(self) -> int:
        now = self.clock()
        return 0 if now < self._paused_until else self._number.free(now)

    def window_open(self, message: OutboundMessage) -> bool:
        last = message.last_inbound_at
        return last is not None and self.now() - last < self.window

    async def send(self, message: OutboundMessage) -> Receipt:
        """Sends a message reserved with try_reserve; its windows count it once answered."""
        try:
            return await self._send(message)
        finally:
            now = self.clock()
            self._number.end(now)
            self._recipients.window(message.chat_id, now).end(now)

    async def _send(self, message: OutboundMessage) -> Receipt:
        if not message.chat_id.isdigit():
            raise DeliveryError("not a WhatsApp number", retryable=False)
        try:
            if message.template_required or not self.window_open(message):
                return await self._send_template(message)
            try:
                return await self._send_free_form(message)
            except GraphError as error:
                if error.code != REENGAGEMENT:
                    raise
                return await self._send_template(message)
        except GraphError as error:
            raise self._delivery_error(error) from None

    async def _send_free_form(self, message: OutboundMessage) -> Receipt:
        if message.reply.image_id is not None:
            return await self._send_image(message, message.reply.image_id)
        label = self.choose_labels.get(message.language) or next(iter(self.choose_labels.values()))
        wamid = None
        for part in render(message.reply, label):
            wamid = await self._post(message.chat_id, part)
        return Receipt(external_id=wamid)

    async def _send_image(self, message: OutboundMessage, image_id: str) -> Receipt:
        """The picture with the text as its caption (at most MAX_CAPTION characters)."""
        wamid = None

        async def send(picture: str | Image) -> str:
            nonlocal wamid
            media_id = picture if isinstance(picture, str) else await self.graph.upload(picture)
            image = {"id": media_id, "caption": message.reply.text}
            wamid = await self._post(message.chat_id, {"type": "image", "image": image})
            return media_id

        await self._uploads.send(image_id, send)
        return Receipt(external_id=wamid)

    async def _send_template(self, message: OutboundMessage) -> Receipt:
        wamid = await self._post(message.chat_id, template_message(message, self.template))
        return Receipt(external_id=wamid, template=self.template.name)

    async def _post(self, to: str, content: Mapping[str, Any]) -> str | None:
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        answer = await self.graph.post_message({**payload, **content})
        sent = _list(answer.get("messages"))
        wamid = _dict(sent[0]).get("id") if sent else None
        return wamid if isinstance(wamid, str) else None

    def _delivery_error(self, error: GraphError) -> DeliveryError:
        if error.code == THROUGHPUT:
            # The number's throughput is spent: pause every send for a moment.
            self._paused_until = max(self._paused_until, self.clock() + 1.0)
        if error.code in RATE_LIMITS:
            retry_after = 6.0 if error.code == PAIR_RATE else 1.0
            return DeliveryError(f"rate limited: {error}", retryable=True, retry_after=retry_after)
        if error.code in UNREACHABLE:
            return DeliveryError(f"undeliverable: {error}", retryable=False, unreachable=True)
        if error.code in TEMPORARY or error.status >= 500:
            return DeliveryError(f"WhatsApp unavailable: {error}", retryable=True)
        return DeliveryError(f"rejected: {error}", retryable=False)
