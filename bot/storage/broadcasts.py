"""Broadcasts: stored, started once (even with several instances), queued in the outbox to a
topic's subscribers in their language, counted and cancelled."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.content import in_language, language_variants
from bot.core.errors import InvalidInput
from bot.core.images import MAX_CAPTION, caption_length
from bot.core.subscriptions import BROADCAST_CHANNELS, TOPICS, area_of
from bot.storage import audit, models
from bot.storage.database import Database
from bot.storage.models import PRIORITY_CAMPAIGN, PRIORITY_URGENT, utcnow
from bot.storage.rows import image_media

B = cast(Table, models.Broadcast.__table__)
M = cast(Table, models.Message.__table__)
C = cast(Table, models.Citizen.__table__)
SUB = cast(Table, models.Subscription.__table__)
MAX_TEXT = 4000
# Times are typed to the minute, and a command may start seconds into the next one: a time
# a few minutes back is still now; one further back is a mistake.
PAST_GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class Progress:
    """Where a broadcast is: its status and its messages by delivery state."""

    id: int
    topic: str
    area: str | None
    urgent: bool
    status: str  # scheduled, sending, done, cancelled
    scheduled_at: datetime
    texts: Mapping[str, str]
    image_id: str | None = None
    queued: int = 0  # not sent yet
    sent: int = 0  # accepted by the platform (delivered and read included)
    delivered: int = 0  # reported delivered or read (WhatsApp)
    failed: int = 0
    unreachable: int = 0  # the citizen blocked the bot (skipped, or refused while sending)
    cancelled: int = 0

    @property
    def recipients(self) -> int:
        return self.queued + self.sent + self.failed + self.unreachable + self.cancelled

    @property
    def finished(self) -> int:
        return self.recipients - self.queued


class SqlBroadcasts:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        *,
        topic: str,
        texts: Mapping[str, str],
        created_by: str,
        area: str | None = None,
        urgent: bool = False,
        at: datetime | None = None,
        image_id: str | None = None,
    ) -> int:
        """Store a broadcast to start at `at` (now when None), with a stored picture
        (bot.storage.images) if given; raises InvalidInput (`at` in the past, too: a typo
        there must not send to every subscriber at once)."""
        if at is not None and at < utcnow() - PAST_GRACE:
            raise InvalidInput("the broadcast's time is in the past; leave it out to send now")
        return await self._insert(topic, texts, created_by, area, urgent, at, None, image_id)

    async def create_once(
        self, key: str, *, topic: str, texts: Mapping[str, str], created_by: str, at: datetime
    ) -> int | None:
        """Like `create`, unless a broadcast with this key exists (None), even when several
        processes try at once."""
        async with self.db.engine.connect() as connection:
            if await connection.scalar(select(B.c.id).where(B.c.key == key)) is not None:
                return None
        try:
            return await self._insert(topic, texts, created_by, None, False, at, key, None)
        except IntegrityError:
            return None

    async def _insert(
        self,
        topic: str,
        texts: Mapping[str, str],
        created_by: str,
        area: str | None,
        urgent: bool,
        at: datetime | None,
        key: str | None,
        image_id: str | None,
    ) -> int:
        if topic not in TOPICS:
            raise InvalidInput(f"unknown topic {topic!r}; topics: {', '.join(TOPICS)}")
        variants = language_variants(texts, "a broadcast")
        limit, length = (MAX_TEXT, len) if image_id is None else (MAX_CAPTION, caption_length)
        if any(length(text) > limit for text in variants.values()):
            with_image = " with an image (the photo's caption)" if image_id else ""
            emoji = " (an emoji counts 2)" if image_id else ""
            raise InvalidInput(
                f"a broadcast text{with_image} has at most {limit} characters{emoji}"
            )
        now = utcnow()
        async with self.db.transaction() as connection:
            broadcast_id = await connection.scalar(
                insert(B)
                .values(
                    topic=topic,
                    area=area_of(area) if area else None,
                    texts=variants,
                    urgent=urgent,
                    status="scheduled",
                    created_by=created_by,
                    created_at=now,
                    scheduled_at=at or now,
                    unreachable=0,
                    key=key,
                    image_id=image_id,
                )
                .returning(B.c.id)
            )
            assert broadcast_id is not None
            detail = {"broadcast_id": broadcast_id, "topic": topic, "urgent": urgent}
            await audit.record(connection, created_by, "broadcast.created", detail, at=now)
        return int(broadcast_id)

    async def start_due(self, now: datetime | None = None) -> list[int]:
        """Start every broadcast whose time has come: queue its messages in the outbox. Each
        starts exactly once, whichever process gets to it first."""
        started: list[int] = []
        while (broadcast_id := await self._start_one(now or utcnow())) is not None:
            started.append(broadcast_id)
        return started

    async def cancel(self, broadcast_id: int, by: str) -> bool:
        """Stop a scheduled or running broadcast: what is not sent yet is not sent."""
        now = utcnow()
        async with self.db.transaction() as connection:
            stopped = await connection.scalar(
                update(B)
                .where(B.c.id == broadcast_id, B.c.status.in_(("scheduled", "sending")))
                .values(status="cancelled", cancelled_at=now)
                .returning(B.c.id)
            )
            if stopped is None:
                return False
            await connection.execute(
                update(M)
                .where(M.c.broadcast_id == broadcast_id, M.c.delivery_status == "pending")
                .values(delivery_status="cancelled")
            )
            await audit.record(
                connection, by, "broadcast.cancelled", {"broadcast_id": broadcast_id}, at=now
            )
        return True

    async def audience(self, topic: str, area: str | None = None) -> dict[str, int]:
        """How many reachable subscribers a broadcast would have now, by language."""
        subscribers = _subscribers(topic, area_of(area) if area else None).subquery()
        async with self.db.engine.connect() as connection:
            rows = await connection.execute(
                select(subscribers.c.language, func.count())
                .where(subscribers.c.unreachable.is_(False))
                .group_by(subscribers.c.language)
            )
            return {language: count for language, count in rows.tuples()}

    async def progress(self, broadcast_id: int) -> Progress | None:
        return next(iter(await self._progress(B.c.id == broadcast_id)), None)

    async def latest(self, limit: int = 50) -> list[Progress]:
        return await self._progress(limit=limit)

    async def _start_one(self, now: datetime) -> int | None:
        due = (
            select(B.c.id)
            .where(B.c.status == "scheduled", B.c.scheduled_at <= now)
            .order_by(B.c.urgent.desc(), B.c.scheduled_at, B.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        async with self.db.transaction() as connection:
            row = (
                await connection.execute(
                    update(B)
                    .where(B.c.id.in_(due.scalar_subquery()))
                    .values(status="sending", started_at=now)
                    .returning(B.c.id, B.c.topic, B.c.area, B.c.texts, B.c.urgent, B.c.image_id)
                )
            ).first()
            if row is None:
                return None
            await _queue(connection, row, now)
        return int(row.id)

    async def _progress(self, *where: Any, limit: int = 50) -> list[Progress]:
        counts = (
            select(
                M.c.broadcast_id,
                M.c.delivery_status,
                C.c.unreachable,
                func.count().label("n"),
            )
            .join(C, M.c.citizen_id == C.c.id)
            .where(M.c.broadcast_id.in_(select(B.c.id).where(*where)))
            .group_by(M.c.broadcast_id, M.c.delivery_status, C.c.unreachable)
        )
        async with self.db.engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(B).where(*where).order_by(B.c.id.desc()).limit(limit)
                )
            ).all()
            tally: dict[int, dict[str, int]] = {}
            for count in await connection.execute(counts):
                into = tally.setdefault(count.broadcast_id, {})
                status = count.delivery_status
                if status == "failed" and count.unreachable:
                    status = "unreachable"
                into[status] = into.get(status, 0) + count.n
        return [_progress_of(row, tally.get(row.id, {})) for row in rows]


def _subscribers(topic: str, area: str | None) -> Select[Any]:
    """A topic's subscribers on the channels broadcasts go to; with an area, those of that
    area and those who named none."""
    query = (
        select(C.c.id, C.c.channel, C.c.language, C.c.unreachable)
        .join(SUB, SUB.c.citizen_id == C.c.id)
        .where(SUB.c.topic == topic, C.c.channel.in_(BROADCAST_CHANNELS))
        .order_by(C.c.id)
    )
    if area is not None:
        query = query.where(or_(SUB.c.area.is_(None), SUB.c.area == area))
    return query


async def _queue(connection: AsyncConnection, broadcast: Any, now: datetime) -> None:
    """One outbox message per subscriber, in their language; unreachable ones are counted."""
    subscribers = _subscribers(broadcast.topic, broadcast.area)
    texts: Mapping[str, str] = broadcast.texts
    priority = PRIORITY_URGENT if broadcast.urgent else PRIORITY_CAMPAIGN
    media = image_media(broadcast.image_id)
    rows: list[dict[str, Any]] = []
    unreachable = 0
    for citizen in await connection.execute(subscribers):
        if citizen.unreachable:
            unreachable += 1
            continue
        rows.append(
            {
                "citizen_id": citizen.id,
                "direction": "out",
                "channel": citizen.channel,
                "text": in_language(texts, citizen.language),
                "media": media,
                "buttons": [],
                "created_at": now,
                "delivery_status": "pending",
                "next_attempt_at": now,
                "broadcast_id": broadcast.id,
                "priority": priority,
            }
        )
    if rows:
        await connection.execute(insert(M), rows)
    await connection.execute(
        update(B).where(B.c.id == broadcast.id).values(unreachable=unreachable)
    )
    detail = {"broadcast_id": broadcast.id, "queued": len(rows), "unreachable": unreachable}
    await audit.record(connection, "bot", "broadcast.started", detail, at=now)


def _progress_of(row: Any, counts: Mapping[str, int]) -> Progress:
    queued = counts.get("pending", 0)
    status = row.status
    if status == "sending" and not queued:
        status = "done"
    return Progress(
        id=row.id,
        topic=row.topic,
        area=row.area,
        urgent=row.urgent,
        status=status,
        scheduled_at=row.scheduled_at,
        texts=row.texts,
        image_id=row.image_id,
        queued=queued,
        sent=sum(counts.get(s, 0) for s in ("sent", "delivered", "read")),
        delivered=sum(counts.get(s, 0) for s in ("delivered", "read")),
        failed=counts.get("failed", 0),
        unreachable=counts.get("unreachable", 0) + row.unreachable,
        cancelled=counts.get("cancelled", 0),
    )
