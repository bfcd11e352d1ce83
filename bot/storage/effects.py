"""What a committed turn writes besides its message and replies: the classification, the
citizen's language, a ticket opened or updated, the dialog state, a subscription, a
clarification (bot.storage.inbox commits them in its transaction)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.ports import Decision
from bot.core.types import NewTicket, SubscriptionChange, TicketStatus, TicketUpdate
from bot.storage import audit, models
from bot.storage.rows import media_json
from bot.storage.states import store_state

log = logging.getLogger(__name__)

BOT = "bot"
M = cast(Table, models.Message.__table__)
C = cast(Table, models.Citizen.__table__)
T = cast(Table, models.Ticket.__table__)
SUB = cast(Table, models.Subscription.__table__)

# Built once: the statements of turns that open a ticket or change the language.
_SET_LANGUAGE = update(C).where(C.c.id == bindparam("citizen_id"))
_SET_TICKET = update(M).where(M.c.id == bindparam("message_id"))
_INSERT_TICKET = insert(T).returning(T.c.id)


async def apply_decision(
    connection: AsyncConnection,
    message_id: int,
    citizen_id: int,
    decision: Decision,
    now: datetime,
) -> int | None:
    """What a turn changes besides its message and replies (citizen language, ticket,
    dialog state, subscription, clarification); returns its ticket's id."""
    outcome = decision.outcome
    if decision.language_changed:
        await connection.execute(
            _SET_LANGUAGE, {"citizen_id": citizen_id, "language": decision.language}
        )
    ticket_id = None
    if outcome.ticket is not None:
        ticket_id = await _open_ticket(
            connection, message_id, citizen_id, outcome.ticket, decision, now
        )
    if outcome.ticket_update is not None:
        change = outcome.ticket_update
        ticket_id = (
            await _update_ticket(
                connection, message_id, citizen_id, change, decision.ticket_priority, now
            )
            or ticket_id
        )
    if ticket_id is not None:
        await connection.execute(_SET_TICKET, {"message_id": message_id, "ticket_id": ticket_id})
    if decision.state_changed:
        await store_state(connection, citizen_id, outcome.state, now)
    if outcome.subscription is not None:
        await _change_subscription(connection, message_id, citizen_id, outcome.subscription, now)
    if outcome.clarified is not None:
        earlier, category = outcome.clarified
        await connection.execute(
            update(M)
            .where(M.c.id == earlier, M.c.citizen_id == citizen_id, M.c.direction == "in")
            .values(clarified_category=category.value)
        )
    return ticket_id


async def _change_subscription(
    connection: AsyncConnection,
    message_id: int,
    citizen_id: int,
    change: SubscriptionChange,
    now: datetime,
) -> None:
    """Record the consent (the message that gave it, when), or withdraw it."""
    mine = SUB.c.citizen_id == citizen_id
    chosen = mine if change.topic is None else mine & (SUB.c.topic == change.topic)
    await connection.execute(delete(SUB).where(chosen))
    if change.subscribe:
        await connection.execute(
            insert(SUB).values(
                citizen_id=citizen_id,
                topic=change.topic,
                area=change.area,
                consented_at=now,
                consent_message_id=message_id,
            )
        )
    action = "subscription.added" if change.subscribe else "subscription.removed"
    detail = {"citizen_id": citizen_id, "topic": change.topic, "message_id": message_id}
    await audit.record(connection, BOT, action, detail, at=now)


def classification_values(decision: Decision) -> dict[str, object]:
    found = decision.classification
    return {
        "needs_review": decision.outcome.needs_review,
        "intent": found.intent if found else None,
        "confidence": found.confidence if found else None,
        "category": found.category.value if found else None,
        "faq_topic": found.faq_topic if found else None,
        "urgent": found.urgent if found else None,
        "model_version": found.model_version if found else None,
        "ranking": [{"name": s.name, "confidence": s.confidence} for s in found.ranking]
        if found
        else None,
    }


async def _open_ticket(
    connection: AsyncConnection,
    message_id: int,
    citizen_id: int,
    new: NewTicket,
    decision: Decision,
    now: datetime,
) -> int:
    if decision.ticket_priority is None:
        raise ValueError("a decision that opens a ticket needs a ticket_priority")
    ticket_id = await connection.scalar(
        _INSERT_TICKET,
        {
            "code": decision.ticket_code,
            "citizen_id": citizen_id,
            "category": new.category.value,
            "urgent": new.urgent,
            "priority": decision.ticket_priority,
            "status": TicketStatus.NEW.value,
            "faq_topic": new.faq_topic,
            "intent": new.intent,
            "confidence": new.confidence,
            "summary": new.summary,
            "details": dict(new.details),
            "latitude": new.location.latitude if new.location else None,
            "longitude": new.location.longitude if new.location else None,
            "media": media_json(new.media),
            "anonymous": new.anonymous,
            "created_at": now,
            "updated_at": now,
        },
    )
    assert ticket_id is not None
    detail = {"code": decision.ticket_code, "message_id": message_id}
    await audit.record(connection, BOT, "ticket.created", detail, ticket_id, now)
    return int(ticket_id)


async def _update_ticket(
    connection: AsyncConnection,
    message_id: int,
    citizen_id: int,
    change: TicketUpdate,
    priority: int | None,
    now: datetime,
) -> int | None:
    """Add the citizen's note, location, media or rating to their own ticket, or make it
    urgent (at `priority`); None if the ticket is not theirs."""
    ticket = (
        await connection.execute(
            select(T.c.id, T.c.details, T.c.media).where(
                T.c.code == change.code, T.c.citizen_id == citizen_id
            )
        )
    ).first()
    if ticket is None:
        log.warning("message %s updates unknown ticket %s", message_id, change.code)
        return None
    values: dict[str, object] = {"updated_at": now}
    if change.note:
        notes = "\n".join(filter(None, [ticket.details.get("notes"), change.note]))
        values["details"] = {**ticket.details, "notes": notes}
    if change.location is not None:
        values["latitude"] = change.location.latitude
        values["longitude"] = change.location.longitude
    if change.media:
        values["media"] = [*ticket.media, *media_json(change.media)]
    if change.rating is not None:
        values["rating"] = change.rating
    if change.urgent and priority is not None:
        values["urgent"] = True
        values["priority"] = priority
    await connection.execute(update(T).where(T.c.id == ticket.id).values(**values))
    detail = {"code": change.code, "message_id": message_id}
    await audit.record(connection, BOT, "ticket.updated", detail, ticket.id, now)
    return int(ticket.id)
