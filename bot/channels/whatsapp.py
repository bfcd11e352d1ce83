"""WhatsApp Business Cloud API, inbound: signed webhooks.

The webhook checks X-Hub-Signature-256 before reading anything, stores each message in the
inbox and answers 200 at once; the inbox worker answers later. Status callbacks (sent,
delivered, read, failed) update the outbound message. Sending is bot.channels.whatsapp_sender,
the Graph API calls bot.channels.whatsapp_graph.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.channels.body import parse_json, read_body
from bot.channels.whatsapp_graph import REENGAGEMENT, GraphApi, json_dict, json_list, json_str
from bot.core.background import BackgroundTasks
from bot.core.errors import DeliveryError, InvalidInput
from bot.core.ports import Accepted, Outbox, Reception
from bot.core.types import (
    PHOTO,
    Delivery,
    DeliveryReport,
    Inbound,
    Location,
    Media,
)

CHANNEL = "whatsapp"
WEBHOOK_PATH = "/webhook/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY = 1024 * 1024
REPORT_RETRY_SECONDS = (1.0, 4.0, 15.0, 40.0)
log = logging.getLogger(__name__)

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
    for entry in json_list(payload.get("entry")):
        for change in json_list(json_dict(entry).get("changes")):
            change = json_dict(change)
            value = json_dict(change.get("value"))
            metadata = json_dict(value.get("metadata"))
            if change.get("field") != "messages" or metadata.get("phone_number_id") != (
                phone_number_id
            ):
                continue
            names = {
                str(contact.get("wa_id")): json_dict(contact.get("profile")).get("name")
                for contact in map(json_dict, json_list(value.get("contacts")))
            }
            for message in map(json_dict, json_list(value.get("messages"))):
                inbound = _inbound(message, names)
                if inbound is not None:
                    messages.append(inbound)
            reports.extend(
                report
                for report in map(_report, map(json_dict, json_list(value.get("statuses"))))
                if report is not None
            )
    return Notification(tuple(messages), tuple(reports))


def _inbound(message: dict[str, Any], names: Mapping[str, object]) -> Inbound | None:
    kind, sender, wamid = message.get("type"), message.get("from"), message.get("id")
    if not isinstance(kind, str) or not isinstance(sender, str) or not isinstance(wamid, str):
        return None
    if kind in _IGNORED:
        return None
    body = json_dict(message.get(kind))
    text = ""
    media: tuple[Media, ...] = ()
    location: Location | None = None
    if kind == "text":
        text = json_str(body.get("body"))
    elif kind == "interactive":
        # The button's id is the payload the bot gave it ("/ya", "/pilih question", …).
        choice = json_dict(body.get("button_reply") or body.get("list_reply"))
        text = json_str(choice.get("id")) or json_str(choice.get("title"))
    elif kind == "button":  # a template's quick-reply button
        text = json_str(body.get("payload")) or json_str(body.get("text"))
    elif kind == "location":
        location = Location.checked(body.get("latitude"), body.get("longitude"))
        if location is None:
            return None
    elif kind == "image":
        text = json_str(body.get("caption"))
        media = (Media(PHOTO, json_str(body.get("id"))),)
    elif kind in _ATTACHMENTS:
        media = (Media(str(kind), json_str(body.get("id"))),)
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
        delivery = Delivery(json_str(status.get("status")))
    except ValueError:
        return None  # "deleted", "warning", …
    if not isinstance(wamid, str):
        return None
    errors = [json_dict(error) for error in json_list(status.get("errors"))]
    codes = [error.get("code") for error in errors]
    reason = "; ".join(f"{e.get('code')}: {e.get('title') or e.get('message')}" for e in errors)
    return DeliveryReport(
        CHANNEL,
        wamid,
        delivery,
        error=reason or None,
        resend_as_template=delivery is Delivery.FAILED and REENGAGEMENT in codes,
    )


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
