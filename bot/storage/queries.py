"""Read helpers for the web chat and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from bot.core.errors import InvalidInput
from bot.core.types import Category, OutboundMessage, TicketStatus
from bot.storage import models
from bot.storage.database import Database
from bot.storage.rows import outbound_of, select_outbound


@dataclass(frozen=True)
class TicketRow:
    """One line of a ticket list."""

    code: str
    category: Category
    urgent: bool
    priority: int
    status: TicketStatus
    created_at: datetime
    first_message: str


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

    async def list_tickets(self, limit: int = 100, status: str | None = None) -> list[TicketRow]:
        """Tickets, most urgent priority first, then oldest first; raises InvalidInput for an
        unknown `status` (a TicketStatus value)."""
        first_message = (
            select(models.Message.text)
            .where(models.Message.ticket_id == models.Ticket.id, models.Message.direction == "in")
            .order_by(models.Message.id)
            .limit(1)
            .correlate(models.Ticket)
            .scalar_subquery()
        )
        query = select(models.Ticket, first_message).order_by(
            models.Ticket.priority, models.Ticket.created_at, models.Ticket.id
        )
        if status is not None:
            query = query.where(models.Ticket.status == _ticket_status(status).value)
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
                    first_message=text or "",
                )
                for ticket, text in rows.tuples()
            ]

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


def _ticket_status(status: str) -> TicketStatus:
    try:
        return TicketStatus(status)
    except ValueError:
        known = ", ".join(TicketStatus)
        raise InvalidInput(f"unknown ticket status {status!r}: use one of {known}") from None
