"""The officers' actions on tickets, each one transaction with its audit entry.

Claiming is a conditional UPDATE (status 'new' → 'claimed'), atomic on SQLite and PostgreSQL:
of two officers clicking at once exactly one gets the ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.errors import InvalidInput
from bot.core.handoff import OFFICER_DIALOG
from bot.core.types import Category, DialogState, Reply, Role, TicketStatus, User
from bot.storage import audit, models
from bot.storage.database import Database
from bot.storage.models import utcnow
from bot.storage.rows import buttons_json
from bot.storage.states import end_state, store_state

T = cast(Table, models.Ticket.__table__)
M = cast(Table, models.Message.__table__)
C = cast(Table, models.Citizen.__table__)
N = cast(Table, models.TicketNote.__table__)
U = cast(Table, models.User.__table__)

HELD = (TicketStatus.CLAIMED.value, TicketStatus.ANSWERED.value)
OPEN = (TicketStatus.NEW.value, *HELD)


class TicketRefused(InvalidInput):
    """The action does not fit the ticket's state (e.g. claimed by someone else meanwhile)."""


class SqlTickets:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def citizen_language(self, code: str) -> str:
        async with self.db.engine.connect() as connection:
            language = await connection.scalar(
                select(C.c.language).join(T, T.c.citizen_id == C.c.id).where(T.c.code == code)
            )
        if language is None:
            raise TicketRefused(f"no ticket {code}")
        return str(language)

    async def claim(self, code: str, officer: User, notice: Reply, state: DialogState) -> None:
        """Take a new ticket; the citizen is told and their messages now go to the officer."""
        now = utcnow()
        async with self.db.transaction() as connection:
            row = (
                await connection.execute(
                    update(T)
                    .where(T.c.code == code, T.c.status == TicketStatus.NEW.value)
                    .values(
                        status=TicketStatus.CLAIMED.value,
                        assignee_id=officer.id,
                        claimed_at=now,
                        updated_at=now,
                    )
                    .returning(T.c.id, T.c.citizen_id)
                )
            ).first()
            if row is None:
                raise TicketRefused(f"ticket {code} is not waiting to be claimed")
            await store_state(connection, row.citizen_id, state, now)
            await _send(connection, row.id, row.citizen_id, notice, None, now)
            await audit.record(
                connection, officer.username, "ticket.claimed", {"code": code}, row.id, now
            )

    async def release(self, code: str, officer: User) -> None:
        """Give a held ticket back to the queue (its holder or an admin)."""
        now = utcnow()
        async with self.db.transaction() as connection:
            row = await _held(connection, code, officer)
            await connection.execute(
                update(T)
                .where(T.c.id == row.id)
                .values(status=TicketStatus.NEW.value, assignee_id=None, updated_at=now)
            )
            await end_state(connection, row.citizen_id, OFFICER_DIALOG)
            await audit.record(
                connection, officer.username, "ticket.released", {"code": code}, row.id, now
            )

    async def reassign(self, code: str, officer: User, to_username: str) -> None:
        now = utcnow()
        async with self.db.transaction() as connection:
            row = await _held(connection, code, officer)
            target = await connection.scalar(
                select(U.c.id).where(U.c.username == to_username, U.c.disabled.is_(False))
            )
            if target is None:
                raise TicketRefused(f"no active user {to_username!r}")
            await connection.execute(
                update(T).where(T.c.id == row.id).values(assignee_id=target, updated_at=now)
            )
            detail = {"code": code, "to": to_username}
            await audit.record(
                connection, officer.username, "ticket.reassigned", detail, row.id, now
            )

    async def reply(self, code: str, officer: User, reply: Reply) -> int:
        """Send the holder's reply to the citizen's channel; returns the outbound message id."""
        now = utcnow()
        async with self.db.transaction() as connection:
            row = await _held(connection, code, officer)
            message_id = await _send(connection, row.id, row.citizen_id, reply, officer, now)
            await connection.execute(
                update(T)
                .where(T.c.id == row.id)
                .values(
                    status=TicketStatus.ANSWERED.value,
                    first_response_at=func.coalesce(T.c.first_response_at, now),
                    updated_at=now,
                )
            )
            detail = {"code": code, "message_id": message_id}
            await audit.record(connection, officer.username, "ticket.replied", detail, row.id, now)
            return message_id

    async def note(self, code: str, officer: User, text: str) -> None:
        """An internal note: stored with the ticket, never sent."""
        now = utcnow()
        async with self.db.transaction() as connection:
            ticket_id = await connection.scalar(select(T.c.id).where(T.c.code == code))
            if ticket_id is None:
                raise TicketRefused(f"no ticket {code}")
            await connection.execute(
                insert(N).values(
                    ticket_id=ticket_id, author_id=officer.id, text=text, created_at=now
                )
            )
            await audit.record(
                connection, officer.username, "ticket.noted", {"code": code}, ticket_id, now
            )

    async def finish(
        self,
        code: str,
        officer: User,
        status: TicketStatus,
        notice: Reply,
        state: DialogState | None,
        reason: str | None = None,
    ) -> None:
        """Resolve or close an open ticket; the citizen is told (and may be asked to rate)."""
        if status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            raise ValueError(f"finish() resolves or closes, not {status}")
        now = utcnow()
        async with self.db.transaction() as connection:
            row = (
                await connection.execute(
                    update(T)
                    .where(T.c.code == code, T.c.status.in_(OPEN))
                    .values(
                        status=status.value,
                        resolved_at=now,
                        closed_reason=reason,
                        assignee_id=func.coalesce(T.c.assignee_id, officer.id),
                        updated_at=now,
                    )
                    .returning(T.c.id, T.c.citizen_id)
                )
            ).first()
            if row is None:
                raise TicketRefused(f"ticket {code} is already resolved or closed")
            await end_state(connection, row.citizen_id, OFFICER_DIALOG)
            if state is not None:
                await store_state(connection, row.citizen_id, state, now)
            await _send(connection, row.id, row.citizen_id, notice, officer, now)
            detail = {"code": code, "reason": reason} if reason else {"code": code}
            await audit.record(
                connection, officer.username, f"ticket.{status.value}", detail, row.id, now
            )

    async def reclassify(
        self, code: str, officer: User, intent: str, category: Category, faq_topic: str | None
    ) -> None:
        """Correct a ticket's intent and category; the citizen's first message of the ticket
        keeps the correction for the retraining review."""
        now = utcnow()
        async with self.db.transaction() as connection:
            row = (
                await connection.execute(
                    select(T.c.id, T.c.intent, T.c.category).where(T.c.code == code)
                )
            ).first()
            if row is None:
                raise TicketRefused(f"no ticket {code}")
            await connection.execute(
                update(T)
                .where(T.c.id == row.id)
                .values(intent=intent, category=category.value, faq_topic=faq_topic, updated_at=now)
            )
            first = (
                select(M.c.id)
                .where(M.c.ticket_id == row.id, M.c.direction == "in")
                .order_by(M.c.id)
                .limit(1)
                .scalar_subquery()
            )
            await connection.execute(
                update(M)
                .where(M.c.id == first)
                .values(corrected_intent=intent, clarified_category=category.value)
            )
            detail = {
                "code": code,
                "from": [row.intent, row.category],
                "to": [intent, category.value],
            }
            await audit.record(
                connection, officer.username, "ticket.reclassified", detail, row.id, now
            )

    async def notes(self, code: str) -> Sequence[dict[str, Any]]:
        async with self.db.engine.connect() as connection:
            rows = await connection.execute(
                select(N.c.text, N.c.created_at, U.c.username)
                .join(T, N.c.ticket_id == T.c.id)
                .join(U, N.c.author_id == U.c.id)
                .where(T.c.code == code)
                .order_by(N.c.id)
            )
            return [dict(row._mapping) for row in rows]


async def _held(connection: AsyncConnection, code: str, officer: User) -> Any:
    """The ticket, if `officer` holds it (admins may act on any held ticket)."""
    row = (
        await connection.execute(
            select(T.c.id, T.c.citizen_id, T.c.assignee_id).where(
                T.c.code == code, T.c.status.in_(HELD)
            )
        )
    ).first()
    if row is None:
        raise TicketRefused(f"ticket {code} is not claimed")
    if row.assignee_id != officer.id and officer.role is not Role.ADMIN:
        raise TicketRefused(f"ticket {code} is held by another officer")
    return row


async def _send(
    connection: AsyncConnection,
    ticket_id: int,
    citizen_id: int,
    reply: Reply,
    author: User | None,
    now: datetime,
) -> int:
    channel = await connection.scalar(select(C.c.channel).where(C.c.id == citizen_id))
    message_id = await connection.scalar(
        insert(M)
        .values(
            citizen_id=citizen_id,
            direction="out",
            channel=channel,
            text=reply.text,
            media=[],
            buttons=buttons_json(reply.buttons),
            ticket_id=ticket_id,
            author_id=author.id if author else None,
            created_at=now,
            delivery_status="pending",
            next_attempt_at=now,
        )
        .returning(M.c.id)
    )
    assert message_id is not None
    return int(message_id)
