"""Ports: what the core needs from the outside, implemented by bot/storage, bot/nlu, bot/channels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.evacuation import DisasterAlert
from bot.core.images import Image
from bot.core.types import (
    ChatLine,
    Classification,
    DeliveryReport,
    DialogState,
    Inbound,
    OutboundMessage,
    Outcome,
    Parse,
    Receipt,
    StoredMessage,
    TicketSummary,
)


class NluClient(Protocol):
    async def parse(self, text: str) -> Parse:
        """Classify one text; raises NluUnavailable when the server cannot be reached."""
        ...


@dataclass(frozen=True)
class Accepted:
    message_id: int
    citizen_id: int
    duplicate: bool = False
    # Stored now as its citizen's only unprocessed message, and claimed for this process: it
    # may be processed at once (bot.core.workers.InboxWorker.answer) or must be released.
    claimed: bool = False


@dataclass(frozen=True)
class Turn:
    """Everything stored that one turn of the pipeline needs, read in one go."""

    message: StoredMessage
    state: DialogState | None
    tickets: Sequence[TicketSummary]
    disasters: Sequence[DisasterAlert] = ()  # disaster mode, where it is on


@dataclass(frozen=True)
class Decision:
    """The pipeline's result for one inbound message, committed in one transaction."""

    outcome: Outcome
    classification: Classification | None
    language: str
    ticket_code: str
    ticket_priority: int | None
    # What the turn changes beyond the message itself; the defaults (write) are always safe.
    language_changed: bool = True
    state_changed: bool = True


class Reception(Protocol):
    """Where the channels hand in what citizens send (bot.core.pipeline.Pipeline.accept)."""

    async def accept(self, inbound: Inbound) -> Accepted:
        """Store a message durably; a redelivery (same channel + external id) is a duplicate.
        A new message with no earlier unprocessed one of its citizen comes back claimed."""
        ...


class Inbox(Reception, Protocol):
    async def pending(self, limit: int) -> Sequence[Accepted]:
        """Each citizen's oldest unprocessed message, oldest first, claimed for this worker
        for a while: other processes skip it and its citizen (a citizen's next message comes
        up once this one is processed, so one busy chat cannot fill a worker's pass)."""
        ...

    async def release(self, message_ids: Sequence[int]) -> None:
        """Give back claimed messages that were not processed (e.g. the NLU was down)."""
        ...

    async def load_turn(self, message_id: int) -> Turn | None:
        """The message with its citizen, dialog state and tickets; None once processed."""
        ...

    async def recent_topic(self, citizen_id: int, since: datetime) -> str | None:
        """The FAQ topic of the citizen's latest processed message that had one, if it came
        at or after `since`."""
        ...

    async def recent_questions(self, citizen_id: int, since: datetime, limit: int) -> list[str]:
        """The texts of the citizen's latest processed questions (category "question") at or
        after `since`, newest first, at most `limit`."""
        ...

    async def commit(self, message_id: int, decision: Decision) -> Sequence[OutboundMessage]:
        """Store the decision (ticket, state, replies as outbox rows, audit) and mark processed.
        Returns the replies claimed for sending at once (none when the chat has earlier
        messages waiting: the outbox worker sends them in order); the caller sends or
        releases them."""
        ...


class Outbox(Protocol):
    async def due(
        self, channels: Sequence[str], now: datetime, limit: int
    ) -> Sequence[OutboundMessage]:
        """Outbound messages waiting to be sent on these channels, oldest first, claimed for
        this worker for a while (other processes skip them)."""
        ...

    async def release(self, message_ids: Sequence[int], now: datetime) -> None:
        """Give back claimed messages this pass did not try to send."""
        ...

    async def mark_sent(self, receipts: Mapping[int, Receipt], now: datetime) -> None:
        """Record these messages (by id) as sent (one write for a whole pass)."""
        ...

    async def mark_failed(
        self, message_id: int, error: str, retry_at: datetime | None, parts_sent: int = 0
    ) -> None:
        """Record a failed attempt and the parts confirmed sent so far (a retry sends the
        rest: OutboundMessage.parts_sent); `retry_at` None gives up for good."""
        ...

    async def mark_unreachable(self, message_id: int, error: str) -> None:
        """Give up on this message and mark its citizen unreachable on the channel."""
        ...

    async def record_deliveries(
        self, reports: Sequence[DeliveryReport]
    ) -> Sequence[DeliveryReport]:
        """Apply the platform's status callbacks (never moving a message backwards); returns
        those that changed nothing (e.g. the send is not recorded yet, or a late report)."""
        ...


class Transcript(Protocol):
    """Reads messages back, for channels whose clients fetch them (web chat, console)."""

    async def replies_to(self, message_id: int) -> Sequence[OutboundMessage]: ...

    async def outbound_after(
        self, channel: str, chat_id: str, after_id: int, limit: int = 50
    ) -> Sequence[OutboundMessage]: ...

    async def history(self, channel: str, chat_id: str, limit: int) -> Sequence[ChatLine]:
        """The chat's last `limit` messages both ways, oldest first."""
        ...


class Sender(Protocol):
    """Delivers one outbound message on one channel."""

    channel: str

    def try_reserve(self, message: OutboundMessage) -> bool:
        """True (and counted against the rate limits) when the message may be sent now."""
        ...

    def wait_seconds(self) -> float:
        """How long until the overall limit allows another send (0 when it does now)."""
        ...

    def free_slots(self) -> int:
        """How many more sends the overall limit allows now."""
        ...

    async def send(self, message: OutboundMessage) -> Receipt:
        """Raises bot.core.errors.DeliveryError on failure."""
        ...


class Images(Protocol):
    async def load(self, image_id: str) -> Image:
        """A stored image; raises KeyError when there is none with this id."""
        ...


class MediaSource(Protocol):
    """Fetches media a citizen sent on a channel (e.g. a Telegram photo's file_id)."""

    async def fetch(self, ref: str) -> bytes:
        """The file's bytes; raises DeliveryError when the platform cannot provide it."""
        ...
