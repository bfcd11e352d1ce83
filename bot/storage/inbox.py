"""The inbox: inbound messages stored durably, then each turn's decision committed at once.

Concurrent calls are grouped (bot.storage.batching): a burst of webhooks is stored in a few
transactions, and the worker's concurrent turns are read and committed together. What a turn
changes besides its message and replies is bot.storage.effects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from prometheus_client import Counter
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.ports import Accepted, Decision, Turn
from bot.core.types import (
    Category,
    Citizen,
    DialogState,
    Inbound,
    OutboundMessage,
    StoredMessage,
    TicketStatus,
    TicketSummary,
)
from bot.storage.batching import Batcher
from bot.storage.database import Database
from bot.storage.disasters import active_alerts
from bot.storage.effects import apply_decision, classification_values
from bot.storage.inbox_statements import (
    CITIZENS,
    CLAIM_FIRST,
    CLAIM_OLDEST,
    CLAIM_REPLIES,
    CLASSIFY,
    INSERT_CITIZENS,
    INSERT_MESSAGES,
    MARK_PROCESSED,
    READ_REPLIES,
    RECENT_QUESTIONS,
    RECENT_TICKETS,
    RECENT_TOPIC,
    STORED,
    TURNS,
    C,
    M,
    pairs,
)
from bot.storage.models import utcnow
from bot.storage.outbox import CLAIM_LEASE
from bot.storage.rows import (
    buttons_json,
    image_media,
    location_of,
    media_json,
    media_of,
    outbound_of,
)

MESSAGES_IN = Counter(
    "polres_messages_in_total", "Citizens' messages accepted (duplicates not counted)", ["channel"]
)


class SqlInbox:
    """Implements bot.core.ports.Inbox."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._accept = Batcher(self._accept_all)
        self._load = Batcher(self._load_turns)
        self._commit = Batcher(self._commit_all)

    async def accept(self, inbound: Inbound) -> Accepted:
        accepted = await self._accept(inbound)
        if not accepted.duplicate:
            MESSAGES_IN.labels(inbound.channel).inc()
        return accepted

    async def load_turn(self, message_id: int) -> Turn | None:
        return await self._load(message_id)

    async def recent_topic(self, citizen_id: int, since: datetime) -> str | None:
        async with self.db.engine.connect() as connection:
            found = await connection.scalar(
                RECENT_TOPIC, {"citizen_id": citizen_id, "since": since}
            )
        return str(found) if found is not None else None

    async def recent_questions(self, citizen_id: int, since: datetime, limit: int) -> list[str]:
        async with self.db.engine.connect() as connection:
            texts = await connection.scalars(
                RECENT_QUESTIONS, {"citizen_id": citizen_id, "since": since, "limit": limit}
            )
        return list(texts)

    async def commit(self, message_id: int, decision: Decision) -> Sequence[OutboundMessage]:
        """A message already processed is left alone (so a retry is harmless)."""
        return await self._commit((message_id, decision))

    async def pending(self, limit: int) -> Sequence[Accepted]:
        """Claims them for CLAIM_LEASE: another process skips them (and their citizens)."""
        now = utcnow()
        async with self.db.transaction() as connection:
            rows = await connection.execute(
                CLAIM_OLDEST, {"now": now, "until": now + CLAIM_LEASE, "limit": limit}
            )
            claimed = sorted(rows, key=lambda row: row.id)
        return [Accepted(message_id=row.id, citizen_id=row.citizen_id) for row in claimed]

    async def release(self, message_ids: Sequence[int]) -> None:
        if not message_ids:
            return
        async with self.db.transaction() as connection:
            await connection.execute(
                update(M)
                .where(M.c.id.in_(message_ids), M.c.processed_at.is_(None))
                .values(claimed_until=None)
            )

    async def _accept_all(self, inbounds: Sequence[Inbound]) -> list[Accepted]:
        try:
            # Most messages are new: the unique (channel, external_id) catches the rest.
            return await self._store_new(inbounds, look_first=False)
        except IntegrityError:
            # A redelivery, or another process stored one of these (or the chat's citizen)
            # first: look for what is stored, and store the rest.
            return await self._store_new(inbounds, look_first=True)

    async def _store_new(self, inbounds: Sequence[Inbound], look_first: bool) -> list[Accepted]:
        async with self.db.transaction() as connection:
            stored: dict[tuple[str, str], Accepted] = {}
            if look_first:
                keys = {(inbound.channel, inbound.external_id) for inbound in inbounds}
                rows = await connection.execute(STORED, pairs(keys))
                stored = {(r.channel, r.external_id): Accepted(r.id, r.citizen_id) for r in rows}
            known = set(stored)
            unseen = {(i.channel, i.external_id): i for i in inbounds}
            fresh = [inbound for key, inbound in unseen.items() if key not in stored]
            if fresh:
                citizens = await _citizen_ids(connection, fresh)
                now = utcnow()
                values = [
                    {
                        "citizen_id": citizens[(inbound.channel, inbound.chat_id)],
                        "direction": "in",
                        "channel": inbound.channel,
                        "external_id": inbound.external_id,
                        "text": inbound.text,
                        "media": media_json(inbound.media),
                        "buttons": [],
                        "latitude": inbound.location.latitude if inbound.location else None,
                        "longitude": inbound.location.longitude if inbound.location else None,
                        "created_at": now,
                    }
                    for inbound in fresh
                ]
                ids = list(await connection.scalars(INSERT_MESSAGES, values))
                claimed = set(
                    await connection.scalars(CLAIM_FIRST, {"ids": ids, "until": now + CLAIM_LEASE})
                )
                for inbound, message_id in zip(fresh, ids, strict=True):
                    citizen_id = citizens[(inbound.channel, inbound.chat_id)]
                    stored[(inbound.channel, inbound.external_id)] = Accepted(
                        message_id, citizen_id, claimed=message_id in claimed
                    )
        results: list[Accepted] = []
        for inbound in inbounds:
            key = (inbound.channel, inbound.external_id)
            accepted = stored[key]
            # Stored before this batch, or earlier in it: a redelivery.
            if key in known:
                accepted = replace(accepted, duplicate=True, claimed=False)
            results.append(accepted)
            known.add(key)
        return results

    async def _load_turns(self, message_ids: Sequence[int]) -> list[Turn | None]:
        async with self.db.engine.connect() as connection:
            rows = (await connection.execute(TURNS, {"ids": list(message_ids)})).all()
            tickets = await _recent_tickets(connection, {row.citizen_id for row in rows})
            disasters = await active_alerts(connection) if rows else []
        turns = {
            row.id: Turn(
                message=StoredMessage(
                    id=row.id,
                    citizen=Citizen(
                        id=row.citizen_id,
                        channel=row.channel,
                        chat_id=row.chat_id,
                        language=row.language,
                        display_name=row.display_name,
                    ),
                    text=row.text,
                    media=media_of(row.media),
                    location=location_of(row.latitude, row.longitude),
                ),
                state=DialogState(dialog=row.dialog, step=row.step, data=row.data)
                if row.dialog is not None
                else None,
                tickets=tickets.get(row.citizen_id, []),
                disasters=disasters,
            )
            for row in rows
        }
        return [turns.get(message_id) for message_id in message_ids]

    async def _commit_all(
        self, decisions: Sequence[tuple[int, Decision]]
    ) -> list[list[OutboundMessage]]:
        """All decisions of a batch in one transaction, with one statement per kind of change
        where the rows allow it (claim, classification, replies); returns each message's
        replies that are claimed for sending now."""
        now = utcnow()
        async with self.db.transaction() as connection:
            # Mark them processed, unless they were already (so a retry is harmless).
            claimed = {
                row.id: (row.citizen_id, row.channel)
                for row in await connection.execute(
                    MARK_PROCESSED,
                    {"ids": [message_id for message_id, _ in decisions], "now": now},
                )
            }
            mine = [(m, d) for m, d in decisions if m in claimed]
            if not mine:
                return [[] for _ in decisions]
            await connection.execute(
                CLASSIFY,
                [{"message_id": m, **classification_values(d)} for m, d in mine],
            )
            replies: list[dict[str, object]] = []
            for message_id, decision in mine:
                citizen_id, channel = claimed[message_id]
                ticket_id = await apply_decision(connection, message_id, citizen_id, decision, now)
                replies += (
                    {
                        "citizen_id": citizen_id,
                        "direction": "out",
                        "channel": channel,
                        "text": reply.text,
                        "media": image_media(reply.image_id),
                        "buttons": buttons_json(reply.buttons),
                        "in_reply_to": message_id,
                        "ticket_id": ticket_id,
                        "created_at": now,
                        "delivery_status": "pending",
                        "next_attempt_at": now,
                    }
                    for reply in decision.outcome.replies
                )
            ready: dict[int, list[OutboundMessage]] = {}
            if replies:
                ids = list(await connection.scalars(INSERT_MESSAGES, replies))
                until = now + CLAIM_LEASE
                claimed_ids = list(
                    await connection.scalars(CLAIM_REPLIES, {"ids": ids, "until": until})
                )
                if claimed_ids:
                    for row in await connection.execute(READ_REPLIES, {"ids": claimed_ids}):
                        ready.setdefault(row.in_reply_to, []).append(outbound_of(row))
        return [ready.get(message_id, []) for message_id, _ in decisions]


async def _citizen_ids(
    connection: AsyncConnection, inbounds: Sequence[Inbound]
) -> dict[tuple[str, str], int]:
    """Each chat's citizen, created on first contact; a changed display name is kept.
    Known citizens are locked until the commit (PostgreSQL), so that two processes storing
    messages of one citizen at once see each other's in `CLAIM_FIRST`."""
    names = {(i.channel, i.chat_id): i.display_name for i in inbounds}
    rows = await connection.execute(CITIZENS, pairs(names))
    ids: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.channel, row.chat_id)
        ids[key] = row.id
        if names[key] and names[key] != row.display_name:
            await connection.execute(
                update(C).where(C.c.id == row.id).values(display_name=names[key])
            )
    new = [key for key in names if key not in ids]
    if new:
        now = utcnow()
        created = await connection.scalars(
            INSERT_CITIZENS,
            [
                {
                    "channel": channel,
                    "chat_id": chat_id,
                    "display_name": names[(channel, chat_id)],
                    "language": "id",
                    "unreachable": False,
                    "created_at": now,
                }
                for channel, chat_id in new
            ],
        )
        ids.update(zip(new, created, strict=True))
    return ids


async def _recent_tickets(
    connection: AsyncConnection, citizen_ids: set[int]
) -> dict[int, list[TicketSummary]]:
    """Each citizen's latest TURN_TICKETS tickets, newest first."""
    if not citizen_ids:
        return {}
    rows = await connection.execute(RECENT_TICKETS, {"ids": list(citizen_ids)})
    tickets: dict[int, list[TicketSummary]] = {}
    for row in rows:
        tickets.setdefault(row.citizen_id, []).append(
            TicketSummary(
                code=row.code,
                category=Category(row.category),
                urgent=row.urgent,
                status=TicketStatus(row.status),
                created_at=row.created_at,
                summary=row.summary,
            )
        )
    return tickets
