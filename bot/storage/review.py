"""Admins' review of classified messages: the queue, confirm/correct/discard, the retention sweep.

A message waits for review when it was classified below the review threshold, re-routed by the
citizen through the clarification buttons, reclassified by an officer, or overruled by the bot's
rules (an emergency reading taken for a report, a calm one of danger said of now or of someone
gone missing taken for an emergency, the missing-person procedure asked and read as another
question: `needs_review`). A review is written
once: a conditional UPDATE on `review_status IS NULL` lets one of two racing admins win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    Update,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.errors import InvalidInput
from bot.core.privacy import mask_personal_data
from bot.core.types import IntentScore, User
from bot.storage import audit, models
from bot.storage.database import Database
from bot.storage.models import utcnow

M = cast(Table, models.Message.__table__)
U = cast(Table, models.User.__table__)
REASONS = ("low_confidence", "clarified", "reclassified", "overruled")
SORTS = ("confidence", "newest")
EXAMPLE_STATUSES = ("confirmed", "corrected")
SWEEP_BATCH = 500

# Why a message waits: an officer's correction says most, then the citizen's own choice, then
# the bot's rules.
# (Inline constants, so PostgreSQL sees the same expression in SELECT and GROUP BY.)
_waiting_reason = case(
    (M.c.corrected_intent.is_not(None), literal_column("'reclassified'", String)),
    (M.c.clarified_category.is_not(None), literal_column("'clarified'", String)),
    (M.c.needs_review.is_(True), literal_column("'overruled'", String)),
    else_=literal_column("'low_confidence'", String),
)
_CLASSIFIED = and_(M.c.direction == "in", M.c.intent.is_not(None))


class ReviewRefused(InvalidInput):
    """The message cannot be reviewed (any more): unknown, or already reviewed."""


@dataclass(frozen=True)
class ReviewItem:
    id: int
    text: str
    intent: str  # what the model predicted
    confidence: float | None
    category: str | None
    faq_topic: str | None
    suggested_intent: str  # an officer's correction, else the prediction
    reason: str  # one of REASONS
    channel: str
    created_at: datetime
    ranking: tuple[IntentScore, ...]  # the model's ranking, best first


class SqlReview:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def queue(
        self,
        *,
        confidence_below: float,
        since: datetime,
        reason: str | None = None,
        intent: str | None = None,
        channel: str | None = None,
        sort: str = "confidence",
        limit: int = 100,
    ) -> list[ReviewItem]:
        """Messages waiting for review, received since `since`; least confident first, or
        newest first (`sort="newest"`). Raises InvalidInput for an unknown reason or sort."""
        if sort not in SORTS:
            raise InvalidInput(f"sort: one of {', '.join(SORTS)}")
        query = (
            select(
                M.c.id,
                M.c.text,
                M.c.intent,
                M.c.confidence,
                M.c.category,
                M.c.faq_topic,
                func.coalesce(M.c.corrected_intent, M.c.intent).label("suggested_intent"),
                _waiting_reason.label("reason"),
                M.c.channel,
                M.c.created_at,
                M.c.ranking,
            )
            .where(_waiting(confidence_below, since))
            .limit(limit)
        )
        if reason is not None:
            if reason not in REASONS:
                raise InvalidInput(f"reason: one of {', '.join(REASONS)}")
            query = query.where(_waiting_reason == reason)
        if intent is not None:
            query = query.where(M.c.intent == intent)
        if channel is not None:
            query = query.where(M.c.channel == channel)
        if sort == "newest":
            query = query.order_by(M.c.created_at.desc(), M.c.id.desc())
        else:
            query = query.order_by(M.c.confidence, M.c.id)
        async with self.db.engine.connect() as connection:
            rows = await connection.execute(query)
            return [_item(row._mapping) for row in rows]

    async def waiting(self, *, confidence_below: float, since: datetime) -> dict[str, int]:
        """How many messages wait for review, per reason (every reason is present)."""
        query = (
            select(_waiting_reason.label("reason"), func.count())
            .where(_waiting(confidence_below, since))
            .group_by(_waiting_reason)
        )
        async with self.db.engine.connect() as connection:
            counts = {str(reason): int(n) for reason, n in await connection.execute(query)}
        return {reason: counts.get(reason, 0) for reason in REASONS}

    async def confirm(self, message_id: int, intent: str, by: User) -> str:
        """Set the message's intent as reviewed: 'confirmed' when it is the predicted one,
        else 'corrected' (returned). Raises ReviewRefused when it was reviewed already."""
        status = case((M.c.intent == intent, literal("confirmed")), else_=literal("corrected"))
        async with self.db.transaction() as connection:
            row = (
                await connection.execute(
                    _review(message_id, by)
                    .values(review_status=status, reviewed_intent=intent)
                    .returning(M.c.review_status, M.c.intent)
                )
            ).first()
            if row is None:
                raise await _refusal(connection, message_id)
            detail = {"message_id": message_id, "intent": intent, "predicted": row.intent}
            await audit.record(connection, by.username, f"review.{row.review_status}", detail)
            return str(row.review_status)

    async def discard(self, message_id: int, by: User) -> None:
        """Leave the message out of the training data. Raises ReviewRefused when it was
        reviewed already."""
        async with self.db.transaction() as connection:
            row = (
                await connection.execute(
                    _review(message_id, by)
                    .values(review_status="discarded", reviewed_intent=None)
                    .returning(M.c.intent)
                )
            ).first()
            if row is None:
                raise await _refusal(connection, message_id)
            detail = {"message_id": message_id, "predicted": row.intent}
            await audit.record(connection, by.username, "review.discarded", detail)

    async def reviewed_examples(self) -> list[tuple[str, str]]:
        """(text, intent) of every confirmed or corrected message, in the order reviewed."""
        query = (
            select(M.c.text, M.c.reviewed_intent)
            .where(M.c.review_status.in_(EXAMPLE_STATUSES))
            .order_by(M.c.reviewed_at, M.c.id)
        )
        async with self.db.engine.connect() as connection:
            return [(text, intent) for text, intent in await connection.execute(query)]

    async def record_topic(self, topic: str, by: User) -> None:
        """Audit that an admin added an FAQ topic (the files are written elsewhere)."""
        async with self.db.transaction() as connection:
            await audit.record(connection, by.username, "review.topic_added", {"topic": topic})

    async def forget_expired(self, retention_days: int) -> int:
        """The daily retention sweep: forget_older_than(now - retention_days)."""
        return await self.forget_older_than(utcnow() - timedelta(days=retention_days))

    async def forget_older_than(self, cutoff: datetime) -> int:
        """Retention: mask personal data in the text of inbound messages received before
        `cutoff` and take the unreviewed ones out of the review (marked 'discarded' with no
        reviewer); intents and confidences stay for statistics. Returns how many texts
        were masked."""
        masked = 0
        after = 0
        while True:
            async with self.db.transaction() as connection:
                rows = (
                    await connection.execute(
                        select(M.c.id, M.c.text)
                        .where(M.c.direction == "in", M.c.created_at < cutoff, M.c.id > after)
                        .order_by(M.c.id)
                        .limit(SWEEP_BATCH)
                    )
                ).all()
                if not rows:
                    break
                after = rows[-1].id
                changed = [
                    {"message_id": row.id, "masked_text": new}
                    for row in rows
                    if (new := mask_personal_data(row.text)) != row.text
                ]
                if changed:
                    await connection.execute(
                        update(M)
                        .where(M.c.id == bindparam("message_id"))
                        .values(text=bindparam("masked_text")),
                        changed,
                    )
                masked += len(changed)
        async with self.db.transaction() as connection:
            await connection.execute(
                update(M)
                .where(_CLASSIFIED, M.c.review_status.is_(None), M.c.created_at < cutoff)
                .values(review_status="discarded", reviewed_at=utcnow())
            )
        return masked


def _waiting(confidence_below: float, since: datetime) -> ColumnElement[bool]:
    return and_(
        _CLASSIFIED,
        M.c.review_status.is_(None),
        M.c.created_at >= since,
        or_(
            M.c.confidence < confidence_below,
            M.c.clarified_category.is_not(None),
            M.c.corrected_intent.is_not(None),
            M.c.needs_review.is_(True),
        ),
    )


def _review(message_id: int, by: User) -> Update:
    """The UPDATE that records a review, only on a classified message not reviewed yet."""
    return (
        update(M)
        .where(M.c.id == message_id, _CLASSIFIED, M.c.review_status.is_(None))
        .values(reviewed_by=by.id, reviewed_at=utcnow())
    )


async def _refusal(connection: AsyncConnection, message_id: int) -> ReviewRefused:
    row = (
        await connection.execute(
            select(M.c.review_status, U.c.username)
            .outerjoin(U, U.c.id == M.c.reviewed_by)
            .where(M.c.id == message_id, _CLASSIFIED)
        )
    ).first()
    if row is None:
        return ReviewRefused(f"message {message_id} is not a classified citizen message")
    who = f" by {row.username}" if row.username else ""
    return ReviewRefused(f"message {message_id} was already reviewed ({row.review_status}{who})")


def _item(row: Any) -> ReviewItem:
    ranking = tuple(
        IntentScore(str(score["name"]), float(score["confidence"])) for score in row.ranking or ()
    )
    return ReviewItem(
        id=row.id,
        text=row.text,
        intent=row.intent,
        confidence=row.confidence,
        category=row.category,
        faq_topic=row.faq_topic,
        suggested_intent=row.suggested_intent,
        reason=row.reason,
        channel=row.channel,
        created_at=row.created_at,
        ranking=ranking,
    )
