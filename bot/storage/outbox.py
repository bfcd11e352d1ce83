"""The outbox: outbound messages waiting for the sender, with retries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import cast

import prometheus_client
from sqlalchemy import Table, Update, bindparam, or_, select, update
from sqlalchemy.sql.dml import ReturningUpdate

from bot.core.types import Delivery, DeliveryReport, OutboundMessage, Receipt
from bot.storage import models
from bot.storage.batching import Batcher
from bot.storage.database import Database
from bot.storage.models import utcnow
from bot.storage.rows import outbound_of, select_outbound

M = cast(Table, models.Message.__table__)
# How long a worker holds the rows it claimed (inbox and outbox); a process that dies gives
# them up after this.
CLAIM_LEASE = timedelta(seconds=30)
MESSAGES_OUT = prometheus_client.Counter(
    "polres_messages_out_total", "Messages delivered to citizens, by channel", ["channel"]
)
OUTBOX_RETRIES = prometheus_client.Counter(
    "polres_outbox_retries_total", "Failed sends scheduled to be retried"
)


def _claim_due() -> ReturningUpdate[tuple[int]]:
    """Claim (until :until) the :limit first pending messages of the :channels due by :now,
    in priority order, skipping rows another process has locked."""
    due = (
        select(M.c.id)
        .where(
            M.c.direction == "out",
            M.c.delivery_status == "pending",
            M.c.channel.in_(bindparam("channels", expanding=True)),
            M.c.next_attempt_at <= bindparam("now"),
        )
        .order_by(M.c.priority, M.c.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
    )
    return (
        update(M)
        .where(M.c.id.in_(due.scalar_subquery()))
        .values(next_attempt_at=bindparam("until"))
        .returning(M.c.id)
    )


# Built once: building a statement with a subquery costs 1-2 ms of CPU (bench/).
_CLAIM_DUE = _claim_due()
_READ_CLAIMED = (
    select_outbound()
    .where(M.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(M.c.priority, M.c.id)
)
# A send confirmed: counted, and no longer pending (a broadcast cancelled while this was
# being sent still counts it as sent). No IN (…) where the statement runs executemany.
_UNSENT = (
    M.c.direction == "out",
    or_(M.c.delivery_status == "pending", M.c.delivery_status == "cancelled"),
)
_SENT = {
    "delivery_status": "sent",
    "sent_at": bindparam("now"),
    "attempts": M.c.attempts + 1,
    "last_error": None,
}
_MARK_SENT = (
    update(M)
    .where(M.c.id.in_(bindparam("ids", expanding=True)), *_UNSENT)
    .values(**_SENT)
    .returning(M.c.channel)
)
_STILL_UNSENT = select(M.c.channel).where(M.c.id.in_(bindparam("ids", expanding=True)), *_UNSENT)
_MARK_SENT_WITH_RECEIPT = (
    update(M)
    .where(M.c.id == bindparam("message_id"), *_UNSENT)
    .values(**_SENT, external_id=bindparam("external_id"), template=bindparam("template"))
)


class SqlOutbox:
    """Implements bot.core.ports.Outbox."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._mark_sent = Batcher(self._mark_all_sent)

    async def due(
        self, channels: Sequence[str], now: datetime, limit: int
    ) -> Sequence[OutboundMessage]:
        """Claims them for CLAIM_LEASE (another process skips them); `release` gives back
        those this pass did not try."""
        if not channels:
            return []
        until = now + CLAIM_LEASE
        parameters = {"channels": list(channels), "now": now, "until": until, "limit": limit}
        async with self.db.transaction() as connection:
            claimed = list(await connection.scalars(_CLAIM_DUE, parameters))
            if not claimed:
                return []
            rows = await connection.execute(_READ_CLAIMED, {"ids": claimed})
            return [outbound_of(row) for row in rows]

    async def release(self, message_ids: Sequence[int], now: datetime) -> None:
        if not message_ids:
            return
        async with self.db.transaction() as connection:
            await connection.execute(
                update(M)
                .where(M.c.id.in_(message_ids), M.c.delivery_status == "pending")
                .values(next_attempt_at=now)
            )

    async def mark_sent(self, receipts: Mapping[int, Receipt], now: datetime) -> None:
        """Concurrent calls share a transaction (bot.storage.batching)."""
        await self._mark_sent((receipts, now))

    async def _mark_all_sent(
        self, batch: Sequence[tuple[Mapping[int, Receipt], datetime]]
    ) -> list[None]:
        receipts = {id_: receipt for one, _ in batch for id_, receipt in one.items()}
        now = max(at for _, at in batch)
        # Most sends leave nothing to keep (no platform id, no template): one statement for them.
        plain = [id_ for id_, receipt in receipts.items() if receipt == Receipt()]
        detailed = [
            {"message_id": id_, "external_id": r.external_id, "template": r.template}
            for id_, r in receipts.items()
            if r != Receipt()
        ]
        channels: list[str] = []
        async with self.db.transaction() as connection:
            if plain:
                channels += await connection.scalars(_MARK_SENT, {"ids": plain, "now": now})
            if detailed:
                ids = [row["message_id"] for row in detailed]
                channels += await connection.scalars(_STILL_UNSENT, {"ids": ids})
                await connection.execute(
                    _MARK_SENT_WITH_RECEIPT, [{**row, "now": now} for row in detailed]
                )
        for channel, count in Counter(channels).items():
            MESSAGES_OUT.labels(channel).inc(count)
        return [None] * len(batch)

    async def mark_failed(
        self, message_id: int, error: str, retry_at: datetime | None, parts_sent: int = 0
    ) -> None:
        """Count the attempt and keep the parts sent; `retry_at` None marks the message failed
        for good."""
        retry = {"next_attempt_at": retry_at} if retry_at else {"delivery_status": "failed"}
        if retry_at is not None:
            OUTBOX_RETRIES.inc()
        async with self.db.transaction() as session:
            await session.execute(
                update(models.Message)
                .where(models.Message.id == message_id, models.Message.direction == "out")
                .values(
                    attempts=models.Message.attempts + 1,
                    last_error=error,
                    parts_sent=parts_sent,
                    **retry,
                )
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

    async def record_deliveries(
        self, reports: Sequence[DeliveryReport]
    ) -> Sequence[DeliveryReport]:
        unmatched: list[DeliveryReport] = []
        async with self.db.transaction() as connection:
            for report in reports:
                if (await connection.execute(_delivery_update(report))).rowcount == 0:
                    unmatched.append(report)
        return unmatched


# A status moves a message forward only: a late "sent" never hides "read".
_EARLIER: Mapping[Delivery, tuple[str, ...]] = {
    Delivery.SENT: ("pending",),
    Delivery.DELIVERED: ("pending", "sent"),
    Delivery.READ: ("pending", "sent", "delivered"),
    Delivery.FAILED: ("pending", "sent"),
}


def _delivery_update(report: DeliveryReport) -> Update:
    statement = update(M).where(
        M.c.channel == report.channel,
        M.c.external_id == report.external_id,
        M.c.direction == "out",
        M.c.delivery_status.in_(_EARLIER[report.status]),
    )
    if report.resend_as_template:
        # Only once: a template that fails too stays failed.
        return statement.where(M.c.template_required.is_(False)).values(
            delivery_status="pending",
            template_required=True,
            parts_sent=0,  # a template's parts are its own
            next_attempt_at=utcnow(),
            last_error=report.error,
        )
    if report.status is Delivery.FAILED:
        return statement.values(delivery_status="failed", last_error=report.error)
    return statement.values(delivery_status=report.status.value)
