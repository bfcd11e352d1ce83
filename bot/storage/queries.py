"""Read helpers for the web chat and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select

from bot.core.errors import InvalidInput
from bot.core.stats import TicketFacts
from bot.core.types import Category, ChatLine, Media, OutboundMessage, TicketStatus
from bot.core.wib import WIB
from bot.storage import models
from bot.storage.database import Database
from bot.storage.rows import buttons_of, media_of, outbound_of, select_outbound


@dataclass(frozen=True)
class TicketRow:
    """One line of a ticket list."""

    code: str
    category: Category
    urgent: bool
    priority: int
    status: TicketStatus
    created_at: datetime
    first_message: str  # the citizen's words that opened it (a report's "what"), shortened
    channel: str = ""
    assignee: str | None = None
    first_response_at: datetime | None = None


@dataclass(frozen=True)
class ConversationLine:
    direction: str  # "in" from the citizen, "out" to them
    text: str
    at: datetime
    media: tuple[Media, ...] = ()
    delivery_status: str | None = None
    template: str | None = None  # sent as this WhatsApp template (outside the 24-hour window)


@dataclass(frozen=True)
class TicketDetail:
    code: str
    category: Category
    urgent: bool
    status: TicketStatus
    created_at: datetime
    summary: str
    intent: str | None
    confidence: float | None
    faq_topic: str | None
    details: dict[str, Any]
    latitude: float | None
    longitude: float | None
    media: tuple[str, ...]
    anonymous: bool
    channel: str
    reporter: str | None  # None when the report is anonymous
    language: str  # the citizen's
    conversation: tuple[ConversationLine, ...]
    assignee: str | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_reason: str | None = None
    rating: int | None = None


CONVERSATION_LINES = 200
# Citizens' messages received in [:start, :end) (an index range: ix_messages_received).
RECEIVED_BETWEEN = select(func.count()).where(
    models.Message.direction == "in",
    models.Message.created_at >= bindparam("start"),
    models.Message.created_at < bindparam("end"),
)
Member = TypeVar("Member", bound=StrEnum)


class Queries:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def replies_to(self, message_id: int) -> list[OutboundMessage]:
        """The bot's replies to one inbound message, in order."""
        return await self._outbound(
            select_outbound()
            .where(models.Message.in_reply_to == message_id)
            .order_by(models.Message.id)
        )

    async def outbound_after(
        self, channel: str, chat_id: str, after_id: int, limit: int = 50
    ) -> list[OutboundMessage]:
        """Outbound messages to one chat with an id above `after_id`, oldest first."""
        return await self._outbound(
            select_outbound()
            .where(
                models.Citizen.channel == channel,
                models.Citizen.chat_id == chat_id,
                models.Message.id > after_id,
            )
            .order_by(models.Message.id)
            .limit(limit)
        )

    async def history(self, channel: str, chat_id: str, limit: int) -> list[ChatLine]:
        """The chat's last `limit` messages both ways, oldest first."""
        m = models.Message
        query = (
            select(m.id, m.direction, m.text, m.buttons, m.created_at)
            .join(models.Citizen, m.citizen_id == models.Citizen.id)
            .where(models.Citizen.channel == channel, models.Citizen.chat_id == chat_id)
            .order_by(m.id.desc())
            .limit(limit)
        )
        async with self.db.engine.connect() as connection:
            rows = list(await connection.execute(query))
        return [
            ChatLine(
                id=row.id,
                from_citizen=row.direction == "in",
                text=row.text,
                buttons=buttons_of(row.buttons),
                created_at=row.created_at,
            )
            for row in reversed(rows)
        ]

    async def list_tickets(
        self,
        limit: int = 100,
        status: str | None = None,
        category: str | None = None,
        urgent: bool | None = None,
        channel: str | None = None,
    ) -> list[TicketRow]:
        """Tickets, most urgent priority first, then oldest first; raises InvalidInput for an
        unknown `status` (a TicketStatus value) or `category`."""
        query = (
            select(models.Ticket, models.Citizen.channel, models.User.username)
            .join(models.Citizen, models.Ticket.citizen_id == models.Citizen.id)
            .outerjoin(models.User, models.Ticket.assignee_id == models.User.id)
            .order_by(models.Ticket.priority, models.Ticket.created_at, models.Ticket.id)
        )
        if status is not None:
            query = query.where(
                models.Ticket.status == _member(TicketStatus, status, "ticket status").value
            )
        if category is not None:
            query = query.where(
                models.Ticket.category == _member(Category, category, "category").value
            )
        if urgent is not None:
            query = query.where(models.Ticket.urgent.is_(urgent))
        if channel is not None:
            query = query.where(models.Citizen.channel == channel)
        async with self.db.sessions() as session:
            rows = await session.execute(query.limit(limit))
            return [
                TicketRow(
                    code=ticket.code,
                    category=Category(ticket.category),
                    urgent=ticket.urgent,
                    priority=ticket.priority,
                    status=TicketStatus(ticket.status),
                    created_at=ticket.created_at,
                    first_message=ticket.summary,
                    channel=channel_name,
                    assignee=assignee,
                    first_response_at=ticket.first_response_at,
                )
                for ticket, channel_name, assignee in rows.tuples()
            ]

    async def ticket(self, code: str) -> TicketDetail | None:
        """A ticket with its citizen's recent conversation (both directions, oldest first)."""
        async with self.db.sessions() as session:
            found = (
                await session.execute(
                    select(models.Ticket, models.Citizen)
                    .join(models.Citizen, models.Ticket.citizen_id == models.Citizen.id)
                    .where(models.Ticket.code == code)
                )
            ).first()
            if found is None:
                return None
            ticket, citizen = found._tuple()
            assignee = (
                await session.scalar(
                    select(models.User.username).where(models.User.id == ticket.assignee_id)
                )
                if ticket.assignee_id
                else None
            )
            messages = (
                await session.scalars(
                    select(models.Message)
                    .where(models.Message.citizen_id == citizen.id)
                    .order_by(models.Message.id.desc())
                    .limit(CONVERSATION_LINES)
                )
            ).all()
        return TicketDetail(
            code=ticket.code,
            category=Category(ticket.category),
            urgent=ticket.urgent,
            status=TicketStatus(ticket.status),
            created_at=ticket.created_at,
            summary=ticket.summary,
            intent=ticket.intent,
            confidence=ticket.confidence,
            faq_topic=ticket.faq_topic,
            details=dict(ticket.details),
            latitude=ticket.latitude,
            longitude=ticket.longitude,
            media=tuple(item["ref"] for item in ticket.media),
            anonymous=ticket.anonymous,
            channel=citizen.channel,
            reporter=None if ticket.anonymous else _reporter(citizen),
            language=citizen.language,
            conversation=tuple(
                ConversationLine(
                    direction=message.direction,
                    text=message.text,
                    at=message.created_at,
                    media=media_of(message.media),
                    delivery_status=message.delivery_status,
                    template=message.template,
                )
                for message in reversed(messages)
            ),
            assignee=assignee,
            first_response_at=ticket.first_response_at,
            resolved_at=ticket.resolved_at,
            closed_reason=ticket.closed_reason,
            rating=ticket.rating,
        )

    async def ticket_facts(self, since: datetime) -> list[TicketFacts]:
        """What the statistics need of every ticket created since `since`."""
        async with self.db.engine.connect() as connection:
            rows = await connection.execute(
                select(
                    models.Ticket.category,
                    models.Ticket.urgent,
                    models.Ticket.created_at,
                    models.Ticket.first_response_at,
                    models.Ticket.rating,
                    models.Ticket.status.in_(("resolved", "closed")),
                ).where(models.Ticket.created_at >= since)
            )
            return [TicketFacts(Category(row.category), row.urgent, *row[2:]) for row in rows]

    async def messages_per_month(self, months: Sequence[date]) -> dict[date, int]:
        """Citizens' messages received in each WIB month (given by its first day)."""
        counts: dict[date, int] = {}
        async with self.db.engine.connect() as connection:
            for month in months:
                start = datetime.combine(month, time(), WIB)
                end = datetime.combine((month + timedelta(days=32)).replace(day=1), time(), WIB)
                received = await connection.scalar(RECEIVED_BETWEEN, {"start": start, "end": end})
                counts[month] = int(received or 0)
        return counts

    async def queue_depths(self) -> dict[str, int]:
        """Messages waiting: inbound not processed yet, outbound not sent yet."""
        m = models.Message
        async with self.db.engine.connect() as connection:
            inbox = await connection.scalar(
                select(func.count()).where(m.direction == "in", m.processed_at.is_(None))
            )
            outbox = await connection.scalar(
                select(func.count()).where(m.direction == "out", m.delivery_status == "pending")
            )
        return {"inbox": int(inbox or 0), "outbox": int(outbox or 0)}

    async def unanswered_tickets(self) -> list[TicketFacts]:
        """Open tickets that have had no first response yet (for SLA breaches)."""
        t = models.Ticket
        async with self.db.engine.connect() as connection:
            rows = await connection.execute(
                select(t.category, t.urgent, t.created_at, t.first_response_at, t.rating).where(
                    t.first_response_at.is_(None), t.status.in_(("new", "claimed"))
                )
            )
            return [TicketFacts(Category(row.category), row.urgent, *row[2:]) for row in rows]

    async def message_id_for(self, channel: str, external_id: str) -> int | None:
        """The id of an inbound message by its channel's id for it."""
        async with self.db.sessions() as session:
            found: int | None = await session.scalar(
                select(models.Message.id).where(
                    models.Message.direction == "in",
                    models.Message.channel == channel,
                    models.Message.external_id == external_id,
                )
            )
            return found

    async def _outbound(self, query: Select[Any]) -> list[OutboundMessage]:
        async with self.db.engine.connect() as connection:
            return [outbound_of(row) for row in await connection.execute(query)]


def _member(kind: type[Member], value: str, what: str) -> Member:
    """`value` as a member of `kind`; InvalidInput naming the choices otherwise."""
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(kind)
        raise InvalidInput(f"unknown {what} {value!r}: use one of {known}") from None


def _reporter(citizen: models.Citizen) -> str:
    """The citizen's name, and on WhatsApp their number (only shown for reports with identity)."""
    if citizen.channel != "whatsapp":
        return citizen.display_name or citizen.chat_id
    number = f"+{citizen.chat_id}"
    return f"{citizen.display_name} ({number})" if citizen.display_name else number
