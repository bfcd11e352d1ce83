"""The outbox: outbound messages waiting for the sender, with retries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update

from bot.core.types import OutboundMessage
from bot.storage import models
from bot.storage.database import Database
from bot.storage.rows import outbound_of, select_outbound


class SqlOutbox:
    """Implements bot.core.ports.Outbox."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def due(
        self, channels: Sequence[str], now: datetime, limit: int
    ) -> Sequence[OutboundMessage]:
        if not channels:
            return []
        async with self.db.engine.connect() as connection:
            rows = await connection.execute(
                select_outbound()
                .where(
                    models.Message.delivery_status == "pending",
                    models.Message.channel.in_(channels),
                    models.Message.next_attempt_at <= now,
                )
                .order_by(models.Message.id)
                .limit(limit)
            )
            return [outbound_of(row) for row in rows]

    async def mark_sent(self, message_ids: Sequence[int], now: datetime) -> None:
        async with self.db.transaction() as session:
            await session.execute(
                update(models.Message)
                .where(models.Message.id.in_(message_ids), models.Message.direction == "out")
                .values(
                    delivery_status="sent",
                    sent_at=now,
                    attempts=models.Message.attempts + 1,
                    last_error=None,
                )
            )

    async def mark_failed(self, message_id: int, error: str, retry_at: datetime | None) -> None:
        """Count the attempt; `retry_at` None marks the message failed for good."""
        retry = {"next_attempt_at": retry_at} if retry_at else {"delivery_status": "failed"}
        async with self.db.transaction() as session:
            await session.execute(
                update(models.Message)
                .where(models.Message.id == message_id, models.Message.direction == "out")
                .values(attempts=models.Message.attempts + 1, last_error=error, **retry)
            )

    async def mark_unreachable(self, message_id: int, error: str) -> None:
        """Fail the message for good and mark its citizen unreachable."""
        async with self.db.transaction() as session:
            citizen_id = await session.scalar(
                update(models.Message)
                .where(models.Message.id == message_id, models.Message.direction == "out")
                .values(
                    delivery_status="failed",
                    attempts=models.Message.attempts + 1,
                    last_error=error,
                )
                .returning(models.Message.citizen_id)
            )
            await session.execute(
                update(models.Citizen)
                .where(models.Citizen.id == citizen_id)
                .values(unreachable=True)
            )
