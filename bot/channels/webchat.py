"""The web chat: a JSON API for the page at / (and any other simple HTTP client).

POST /api/webchat/{session_id}/messages  {"text": "...", "id"?: "...", "location"?: {...}}
    → {"replies": [{"id", "text", "buttons": [{"title", "payload"}], "created_at"}]}
GET  /api/webchat/{session_id}/messages?after=<id>  → {"messages": [...]} (e.g. an officer's reply)
GET  /api/webchat/{session_id}/history  → {"messages": [{"id", "from", "text", "buttons",
    "created_at"}]}: the last HISTORY messages both ways ("from": "citizen" or "bot"), to show
    the conversation again after a reload
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.channels.body import parse_json, read_body
from bot.core.errors import InvalidInput, NluUnavailable
from bot.core.ports import Accepted, Outbox, Reception, Transcript
from bot.core.types import Button, ChatLine, Inbound, Location, OutboundMessage, Receipt

CHANNEL = "webchat"
MAX_TEXT = 4000
MAX_BODY = 16 * 1024
HISTORY = 50
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
BAD_SESSION_ID = "session id must be 8-64 letters, digits, '-' or '_'"
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
log = logging.getLogger(__name__)

# Process a message just accepted now if it may be (bot.core.workers.InboxWorker.answer).
Answer = Callable[[Accepted], Awaitable[bool]]


def parse_message(session_id: str, body: Any) -> Inbound:
    """Validate a POST body; raises InvalidInput with a message fit for the client."""
    if not _SESSION_ID.fullmatch(session_id):
        raise InvalidInput(BAD_SESSION_ID)
    if not isinstance(body, dict):
        raise InvalidInput('body must be a JSON object such as {"text": "halo"}')
    text = body.get("text", "")
    if not isinstance(text, str):
        raise InvalidInput("text must be a string")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"text is longer than {MAX_TEXT} characters")
    client_id = body.get("id")
    if client_id is None:
        client_id = uuid.uuid4().hex
    elif not isinstance(client_id, str) or not _CLIENT_ID.fullmatch(client_id):
        raise InvalidInput("id must be a string of at most 64 letters, digits or -_.:")
    location = _location(body.get("location"))
    if not text.strip() and location is None:
        raise InvalidInput("text must not be empty")
    return Inbound(
        channel=CHANNEL,
        chat_id=session_id,
        external_id=client_id,
        text=text.strip(),
        location=location,
    )


def _location(raw: Any) -> Location | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidInput("location must be an object with latitude and longitude")
    location = Location.checked(_number(raw.get("latitude")), _number(raw.get("longitude")))
    if location is None:
        raise InvalidInput("location is out of range")
    return location


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput("location latitude and longitude must be numbers")
    return float(value)


def message_json(message: OutboundMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "text": message.reply.text,
        "buttons": _buttons_json(message.reply.buttons),
        "created_at": message.created_at.isoformat(),
    }


def line_json(line: ChatLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "from": "citizen" if line.from_citizen else "bot",
        "text": line.text,
        "buttons": _buttons_json(line.buttons),
        "created_at": line.created_at.isoformat(),
    }


class WebChatApi:
    def __init__(
        self, reception: Reception, outbox: Outbox, transcript: Transcript, answer: Answer
    ) -> None:
        self.reception = reception
        self.outbox = outbox
        self.transcript = transcript
        self.answer = answer

    def routes(self) -> list[web.RouteDef]:
        path = "/api/webchat/{session_id}/messages"
        history = "/api/webchat/{session_id}/history"
        return [
            web.post(path, self.post_message),
            web.get(path, self.get_messages),
            web.get(history, self.get_history),
        ]

    async def post_message(self, request: web.Request) -> web.Response:
        raw = await read_body(request, MAX_BODY)
        if raw is None:
            return _error(413, "request body is too large")
        try:
            inbound = parse_message(request.match_info["session_id"], parse_json(raw or b"null"))
        except (ValueError, UnicodeDecodeError):
            return _error(400, "body is not valid JSON")
        except InvalidInput as error:
            return _error(400, str(error))
        accepted = await self.reception.accept(inbound)
        try:
            answered = accepted.duplicate or await self.answer(accepted)
        except NluUnavailable:
            log.warning("message %s waits for the NLU", accepted.message_id)
            answered = False
        if not answered:
            # Stored: the inbox worker answers it (once Rasa is back, or after the session's
            # earlier messages); the client polls for the replies.
            return web.json_response({"replies": [], "pending": True}, status=202)
        replies = await self.transcript.replies_to(accepted.message_id)
        await self._delivered([m.id for m in replies])
        return web.json_response({"replies": [message_json(m) for m in replies]})

    async def get_messages(self, request: web.Request) -> web.Response:
        session_id = request.match_info["session_id"]
        if not _SESSION_ID.fullmatch(session_id):
            return _error(400, BAD_SESSION_ID)
        after = request.query.get("after", "0")
        if not after.isdigit() or len(after) > 18:
            return _error(400, "after must be a message id (a non-negative integer)")
        messages = await self.transcript.outbound_after(CHANNEL, session_id, int(after))
        await self._delivered([m.id for m in messages])
        return web.json_response({"messages": [message_json(m) for m in messages]})

    async def get_history(self, request: web.Request) -> web.Response:
        session_id = request.match_info["session_id"]
        if not _SESSION_ID.fullmatch(session_id):
            return _error(400, BAD_SESSION_ID)
        lines = await self.transcript.history(CHANNEL, session_id, HISTORY)
        await self._delivered([line.id for line in lines if not line.from_citizen])
        return web.json_response({"messages": [line_json(line) for line in lines]})

    async def _delivered(self, message_ids: Sequence[int]) -> None:
        """The web chat is a pull channel: a reply handed to the client counts as sent."""
        if message_ids:
            await self.outbox.mark_sent(dict.fromkeys(message_ids, Receipt()), datetime.now(UTC))


def _buttons_json(buttons: Sequence[Button]) -> list[dict[str, str]]:
    return [{"title": b.title, "payload": b.payload} for b in buttons]


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
