"""Outbox messages to WhatsApp: within the number's throughput and the per-citizen pair rate,
free-form inside the 24-hour customer-service window (text parts, reply buttons or a list, a
picture with its caption) and as the approved template outside it."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.channels.text import Progress, split_text
from bot.channels.uploads import Uploads
from bot.channels.whatsapp import CHANNEL
from bot.channels.whatsapp_graph import (
    PAIR_RATE,
    RATE_LIMITS,
    REENGAGEMENT,
    TEMPORARY,
    THROUGHPUT,
    UNREACHABLE,
    GraphApi,
    GraphError,
    json_dict,
    json_list,
)
from bot.core.errors import DeliveryError
from bot.core.images import Image
from bot.core.ports import Images
from bot.core.ratelimit import KeyedWindows, SlidingWindow
from bot.core.types import (
    Button,
    OutboundMessage,
    Receipt,
    Reply,
)

MAX_TEXT = 4096
MAX_BUTTON_BODY = 1024  # an interactive message's body
MAX_REPLY_BUTTONS = 3
MAX_LIST_ROWS = 10
MAX_TEMPLATE_PARAMETER = 1000


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


def template_messages(message: OutboundMessage, template: Template) -> list[dict[str, Any]]:
    """The approved template with the message as its one body parameter (parameters may not
    hold line breaks, tabs or runs of spaces); a longer text in as many as it takes."""
    one_line = " ".join(message.reply.text.split())
    language = template.languages.get(message.language) or next(iter(template.languages.values()))
    return [
        {
            "type": "template",
            "template": {
                "name": template.name,
                "language": {"code": language},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": part}]}],
            },
        }
        for part in split_text(one_line, MAX_TEMPLATE_PARAMETER)
    ]


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
        self._uploads = Uploads(self.images)  # media ids last 30 days, longer than a process

    def try_reserve(self, message: OutboundMessage) -> bool:
        now = self.clock()
        if not self._number.allows(now):
            return False
        recipient = self._recipients.window(message.chat_id, now)
        if not recipient.allows(now):
            return False
        recipient.begin()
        self._number.begin()
        return True

    def wait_seconds(self) -> float:
        return self._number.wait(self.clock())

    def free_slots(self) -> int:
        return self._number.free(self.clock())

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
        progress = Progress(message.parts_sent)
        try:
            if message.template_required or not self.window_open(message):
                return await self._send_template(message, progress)
            try:
                return await self._send_free_form(message, progress)
            except GraphError as error:
                if error.code != REENGAGEMENT or progress.sent:
                    raise
                return await self._send_template(message, progress)
        except GraphError as error:
            raise self._delivery_error(error, progress.sent) from None
        except DeliveryError as error:  # the network (GraphApi)
            raise DeliveryError(
                str(error),
                retryable=error.retryable,
                retry_after=error.retry_after,
                unreachable=error.unreachable,
                parts_sent=progress.sent,
            ) from None

    async def _send_free_form(self, message: OutboundMessage, progress: Progress) -> Receipt:
        if message.reply.image_id is not None:
            return await self._send_image(message, message.reply.image_id)
        label = self.choose_labels.get(message.language) or next(iter(self.choose_labels.values()))
        parts = render(message.reply, label)
        wamid = await progress.send_rest(parts, lambda part: self._post(message.chat_id, part))
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

    async def _send_template(self, message: OutboundMessage, progress: Progress) -> Receipt:
        parts = template_messages(message, self.template)
        wamid = await progress.send_rest(parts, lambda part: self._post(message.chat_id, part))
        return Receipt(external_id=wamid, template=self.template.name)

    async def _post(self, to: str, content: Mapping[str, Any]) -> str | None:
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        answer = await self.graph.post_message({**payload, **content})
        sent = json_list(answer.get("messages"))
        wamid = json_dict(sent[0]).get("id") if sent else None
        return wamid if isinstance(wamid, str) else None

    def _delivery_error(self, error: GraphError, parts_sent: int) -> DeliveryError:
        if error.code == THROUGHPUT:
            # The number's throughput is spent: pause every send for a moment.
            self._number.pause_until(self.clock() + 1.0)
        if error.code in RATE_LIMITS:
            retry_after = 6.0 if error.code == PAIR_RATE else 1.0
            return DeliveryError(
                f"rate limited: {error}",
                retryable=True,
                retry_after=retry_after,
                parts_sent=parts_sent,
            )
        if error.code in UNREACHABLE:
            return DeliveryError(f"undeliverable: {error}", retryable=False, unreachable=True)
        if error.code in TEMPORARY or error.status >= 500:
            return DeliveryError(
                f"WhatsApp unavailable: {error}", retryable=True, parts_sent=parts_sent
            )
        return DeliveryError(f"rejected: {error}", retryable=False)
