"""The inbox: inbound messages stored durably, then each turn's decision committed at once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.ports import Accepted, Decision, Turn
from bot.core.types import (
    Category,
    Citizen,
    DialogState,
    Inbound,
    NewTicket,
    StoredMessage,
    TicketStatus,
    TicketSummary,
    TicketUpdate,
)
from bot.storage import models
from bot.storage.database import Database
from bot.storage.models import utcnow
from bot.storage.rows import location_of, media_json, media_of

log = logging.getLogger(__name__)

BOT = "bot"
TURN_TICKETS = 20


class SqlInbox:
    """Implements bot.core.ports.Inbox."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def accept(self, inbound: Inbound) -> Accepted:
        async with self.db.sessions.begin() as session:
            citizen_id = await self._upsert_citizen(session, inbound)
            insert = self.db.insert(models.Message).values(
                citizen_id=citizen_id,
                direction="in",
                channel=inbound.channel,
                external_id=inbound.external_id,
                text=inbound.text,
                media=media_json(inbound.media),
                latitude=inbound.location.latitude if inbound.location else None,
                longitude=inbound.location.longitude if inbound.location else None,
                created_at=utcnow(),
            )
            inserted = await session.scalar(
                insert.on_conflict_do_nothing(index_elements=["channel", "external_id"]).returning(
                    models.Message.id
                )
            )
            if inserted is not None:
                return Accepted(message_id=inserted, citizen_id=citizen_id)
            existing = (
                await session.execute(
                    select(models.Message.id, models.Message.citizen_id).where(
                        models.Message.channel == inbound.channel,
                        models.Message.external_id == inbound.external_id,
                    )
                )
            ).one()
            return Accepted(message_id=existing.id, citizen_id=existing.citizen_id, duplicate=True)

    async def _upsert_citizen(self, session: AsyncSession, inbound: Inbound) -> int:
        insert = self.db.insert(models.Citizen).values(
            channel=inbound.channel,
            chat_id=inbound.chat_id,
            display_name=inbound.display_name,
            created_at=utcnow(),
        )
        display_name = func.coalesce(insert.excluded.display_name, models.Citizen.display_name)
        upsert = insert.on_conflict_do_update(
            index_elements=["channel", "chat_id"], set_={"display_name": display_name}
        ).returning(models.Citizen.id)
        return (await session.execute(upsert)).scalar_one()

    async def pending(self, limit: int) -> Sequence[Accepted]:
        async with self.db.sessions() as session:
            rows = await session.execute(
                select(models.Message.id, models.Message.citizen_id)
                .where(models.Message.direction == "in", models.Message.processed_at.is_(None))
                .order_by(models.Message.id)
                .limit(limit)
            )
            return [Accepted(message_id=row.id, citizen_id=row.citizen_id) for row in rows]

    async def load_turn(self, message_id: int) -> Turn | None:
        async with self.db.sessions() as session:
            row = (
                await session.execute(
                    select(models.Message, models.Citizen)
                    .join(models.Citizen, models.Message.citizen_id == models.Citizen.id)
                    .where(
                        models.Message.id == message_id,
                        models.Message.direction == "in",
                        models.Message.processed_at.is_(None),
                    )
                )
            ).one_or_none()
            if row is None:
                return None
            message, citizen = row._tuple()
            state = await session.get(models.DialogStateRow, citizen.id)
            tickets = await session.scalars(
                select(models.Ticket)
                .where(models.Ticket.citizen_id == citizen.id)
                .order_by(models.Ticket.created_at.desc(), models.Ticket.id.desc())
                .limit(TURN_TICKETS)
            )
            return Turn(
                message=StoredMessage(
                    id=message.id,
                    citizen=Citizen(
                        id=citizen.id,
                        channel=citizen.channel,
                        chat_id=citizen.chat_id,
                        language=citizen.language,
                        display_name=citizen.display_name,
                    ),
                    text=message.text,
                    media=media_of(message.media),
                    location=location_of(message.latitude, message.longitude),
                ),
                state=DialogState(dialog=state.dialog, step=state.step, data=state.data)
                if state
                else None,
                tickets=[
                    TicketSummary(
                        code=ticket.code,
                        category=Category(ticket.category),
                        urgent=ticket.urgent,
                        status=TicketStatus(ticket.status),
                        created_at=ticket.created_at,
                        summary=ticket.summary,
                    )
                    for ticket in tickets
                ],
            )

    async def commit(self, message_id: int, decision: Decision) -> None:
        """One transaction; a message already processed is left alone (so a retry is harmless)."""
        now = utcnow()
        async with self.db.sessions.begin() as session:
            claimed = await session.scalar(
                update(models.Message)
                .where(
                    models.Message.id == message_id,
                    models.Message.direction == "in",
                    models.Message.processed_at.is_(None),
                )
                .values(processed_at=now)
                .returning(models.Message.id)
            )
            if claimed is None:
                return
            message = await session.get_one(models.Message, message_id)
            citizen = await session.get_one(models.Citizen, message.citizen_id)
            outcome = decision.outcome
            _store_classification(message, decision)
            citizen.language = decision.language
            ticket = None
            if outcome.ticket is not None:
                ticket = await _open_ticket(session, message, outcome.ticket, decision, now)
            if outcome.ticket_update is not None:
                change = outcome.ticket_update
                ticket = await _update_ticket(session, message, change, now) or ticket
            if ticket is not None:
                message.ticket_id = ticket.id
            await self._store_state(session, citizen.id, outcome.state, now)
            if outcome.clarified is not None:
                earlier, category = outcome.clarified
                await session.execute(
                    update(models.Message)
                    .where(
                        models.Message.id == earlier,
                        models.Message.citizen_id == citizen.id,
                        models.Message.direction == "in",
                    )
                    .values(clarified_category=category.value)
                )
            session.add_all(
                models.Message(
                    citizen_id=citizen.id,
                    direction="out",
                    channel=message.channel,
                    text=reply.text,
                    buttons=[{"title": b.title, "payload": b.payload} for b in reply.buttons],
                    in_reply_to=message.id,
                    ticket_id=ticket.id if ticket else None,
                    created_at=now,
                    delivery_status="pending",
                    next_attempt_at=now,
                )
                for reply in outcome.replies
            )
            session.add(
                models.AuditEntry(
                    at=now,
                    actor=BOT,
                    action="message.processed",
                    ticket_id=ticket.id if ticket else None,
                    detail={"message_id": message.id},
                )
            )

    async def _store_state(
        self, session: AsyncSession, citizen_id: int, state: DialogState | None, now: datetime
    ) -> None:
        if state is None:
            await session.execute(
                delete(models.DialogStateRow).where(models.DialogStateRow.citizen_id == citizen_id)
            )
            return
        insert = self.db.insert(models.DialogStateRow).values(
            citizen_id=citizen_id,
            dialog=state.dialog,
            step=state.step,
            data=dict(state.data),
            updated_at=now,
        )
        await session.execute(
            insert.on_conflict_do_update(
                index_elements=["citizen_id"],
                set_={
                    "dialog": insert.excluded.dialog,
                    "step": insert.excluded.step,
                    "data": insert.excluded.data,
                    "updated_at": insert.excluded.updated_at,
                },
            )
        )


def _store_classification(message: models.Message, decision: Decision) -> None:
    message.needs_review = decision.outcome.needs_review
    found = decision.classification
    if found is None:
        return
    message.intent = found.intent
    message.confidence = found.confidence
    message.category = found.category.value
    message.faq_topic = found.faq_topic
    message.urgent = found.urgent
    message.model_version = found.model_version
    message.ranking = [{"name": s.name, "confidence": s.confidence} for s in found.ranking]


async def _open_ticket(
    session: AsyncSession,
    message: models.Message,
    new: NewTicket,
    decision: Decision,
    now: datetime,
) -> models.Ticket:
    if decision.ticket_priority is None:
        raise ValueError("a decision that opens a ticket needs a ticket_priority")
    ticket = models.Ticket(
        code=decision.ticket_code,
        citizen_id=message.citizen_id,
        category=new.category.value,
        urgent=new.urgent,
        priority=decision.ticket_priority,
        status=TicketStatus.NEW.value,
        faq_topic=new.faq_topic,
        intent=new.intent,
        confidence=new.confidence,
        summary=new.summary,
        details=dict(new.details),
        latitude=new.location.latitude if new.location else None,
        longitude=new.location.longitude if new.location else None,
        media=media_json(new.media),
        anonymous=new.anonymous,
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    await session.flush()
    session.add(_ticket_audit("ticket.created", ticket, message, now))
    return ticket


async def _update_ticket(
    session: AsyncSession, message: models.Message, change: TicketUpdate, now: datetime
) -> models.Ticket | None:
    """Add the citizen's note, location and media to their own ticket; None if not theirs."""
    ticket = await session.scalar(
        select(models.Ticket).where(
            models.Ticket.code == change.code, models.Ticket.citizen_id == message.citizen_id
        )
    )
    if ticket is None:
        log.warning("message %s updates unknown ticket %s", message.id, change.code)
        return None
    if change.note:
        notes = "\n".join(filter(None, [ticket.details.get("notes"), change.note]))
        ticket.details = {**ticket.details, "notes": notes}
    if change.location is not None:
        ticket.latitude, ticket.longitude = change.location.latitude, change.location.longitude
    if change.media:
        ticket.media = [*ticket.media, *media_json(change.media)]
    ticket.updated_at = now
    session.add(_ticket_audit("ticket.updated", ticket, message, now))
    return ticket


def _ticket_audit(
    action: str, ticket: models.Ticket, message: models.Message, now: datetime
) -> models.AuditEntry:
    return models.AuditEntry(
        at=now,
        actor=BOT,
        action=action,
        ticket_id=ticket.id,
        detail={"code": ticket.code, "message_id": message.id},
    )
