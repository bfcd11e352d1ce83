"""SqlOutbox: due messages, delivery and retries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.core.ports import Decision
from bot.core.types import Delivery, DeliveryReport, Inbound, Outcome, Receipt, Reply
from bot.storage import models
from bot.storage.database import Database
from bot.storage.inbox import SqlInbox
from bot.storage.outbox import CLAIM_LEASE, SqlOutbox
from bot.storage.queries import Queries

SOON = timedelta(seconds=1)


async def queue(inbox: SqlInbox, channel: str, *texts: str) -> datetime:
    """Queue replies to a fresh inbound message on `channel` (not sent at once: given back to
    the outbox worker); returns a time they are due by."""
    accepted = await inbox.accept(
        Inbound(channel=channel, chat_id=f"{channel}-chat", external_id=f"{channel}-{texts[0]}")
    )
    outcome = Outcome(replies=tuple(Reply(text) for text in texts))
    ready = await inbox.commit(accepted.message_id, Decision(outcome, None, "id", "PL-X", None))
    await SqlOutbox(inbox.db).release([reply.id for reply in ready], datetime.now(UTC))
    return datetime.now(UTC) + SOON


async def delivery(db: Database, message_id: int) -> tuple[str | None, int, str | None]:
    async with db.sessions() as session:
        row = await session.get_one(models.Message, message_id)
        return row.delivery_status, row.attempts, row.last_error


async def test_due_filters_by_channel_orders_by_id_and_claims(
    inbox: SqlInbox, outbox: SqlOutbox
) -> None:
    await queue(inbox, "telegram", "satu", "dua")
    await queue(inbox, "whatsapp", "tiga")
    now = await queue(inbox, "telegram", "empat")
    assert await outbox.due([], now, limit=10) == []
    first = await outbox.due(["telegram"], now, limit=2)
    assert [m.reply.text for m in first] == ["satu", "dua"]
    assert {m.chat_id for m in first} == {"telegram-chat"}
    rest = await outbox.due(["telegram", "whatsapp"], now, limit=10)
    assert [m.reply.text for m in rest] == ["tiga", "empat"]  # the first two are claimed
    assert await outbox.due(["telegram", "whatsapp"], now, limit=10) == []


async def test_claims_are_given_back_or_expire(inbox: SqlInbox, outbox: SqlOutbox) -> None:
    now = await queue(inbox, "telegram", "satu", "dua")
    first, second = await outbox.due(["telegram"], now, limit=10)
    await outbox.release([second.id], now)
    assert [m.id for m in await outbox.due(["telegram"], now, limit=10)] == [second.id]
    after_the_lease = now + CLAIM_LEASE + SOON
    assert {m.id for m in await outbox.due(["telegram"], after_the_lease, 10)} == {
        first.id,
        second.id,
    }


async def test_concurrent_claims_never_share_a_message(
    inbox: SqlInbox, outbox: SqlOutbox, database_url: str
) -> None:
    now = await queue(inbox, "telegram", *(f"pesan {i}" for i in range(30)))
    other = SqlOutbox(Database.connect(database_url))  # a second instance's connection pool
    try:
        claims = await asyncio.gather(
            *((outbox if i % 2 else other).due(["telegram"], now, limit=7) for i in range(6))
        )
    finally:
        await other.db.close()
    ids = [m.id for claim in claims for m in claim]
    assert len(ids) == len(set(ids)) == 30


async def test_nothing_is_due_before_next_attempt(inbox: SqlInbox, outbox: SqlOutbox) -> None:
    now = await queue(inbox, "telegram", "satu")
    assert await outbox.due(["telegram"], now - timedelta(minutes=1), limit=10) == []


async def test_sent_message_is_no_longer_due(
    inbox: SqlInbox, outbox: SqlOutbox, db: Database
) -> None:
    now = await queue(inbox, "telegram", "satu", "dua")
    first, second = await outbox.due(["telegram"], now, limit=10)
    await outbox.mark_sent({first.id: Receipt()}, now)
    await outbox.release([second.id], now)
    later = now + CLAIM_LEASE + SOON
    assert [message.id for message in await outbox.due(["telegram"], later, 10)] == [second.id]
    assert await delivery(db, first.id) == ("sent", 1, None)
    async with db.sessions() as session:
        sent_at = (await session.get_one(models.Message, first.id)).sent_at
    assert sent_at == now
    assert sent_at.tzinfo == UTC


async def test_failed_attempt_is_retried_at_the_given_time(
    inbox: SqlInbox, outbox: SqlOutbox, db: Database
) -> None:
    now = await queue(inbox, "telegram", "satu")
    [message] = await outbox.due(["telegram"], now, limit=10)
    retry_at = now + timedelta(minutes=5)
    await outbox.mark_failed(message.id, "429 Too Many Requests", retry_at)
    assert await delivery(db, message.id) == ("pending", 1, "429 Too Many Requests")
    assert await outbox.due(["telegram"], retry_at - SOON, limit=10) == []
    [again] = await outbox.due(["telegram"], retry_at, limit=10)
    assert (again.id, again.attempts) == (message.id, 1)  # the worker counts towards max_attempts
    await outbox.mark_failed(message.id, "timeout", retry_at + timedelta(minutes=5))
    assert await delivery(db, message.id) == ("pending", 2, "timeout")


async def test_a_retry_knows_the_parts_already_sent(inbox: SqlInbox, outbox: SqlOutbox) -> None:
    now = await queue(inbox, "whatsapp", "teks panjang")
    [message] = await outbox.due(["whatsapp"], now, limit=10)
    assert message.parts_sent == 0
    await outbox.mark_failed(message.id, "131056: pair rate limit", now, parts_sent=1)

    [again] = await outbox.due(["whatsapp"], now + SOON, limit=10)

    assert (again.id, again.parts_sent) == (message.id, 1)  # the retry sends the rest


async def test_failure_without_retry_gives_up(
    inbox: SqlInbox, outbox: SqlOutbox, db: Database
) -> None:
    now = await queue(inbox, "telegram", "satu")
    [message] = await outbox.due(["telegram"], now, limit=10)
    await outbox.mark_failed(message.id, "403 Forbidden: bot was blocked by the user", None)
    assert await delivery(db, message.id) == (
        "failed",
        1,
        "403 Forbidden: bot was blocked by the user",
    )
    assert await outbox.due(["telegram"], now + timedelta(days=1), limit=10) == []


async def test_mark_sent_ignores_inbound_ids(
    inbox: SqlInbox, outbox: SqlOutbox, db: Database
) -> None:
    await queue(inbox, "telegram", "satu")
    async with db.sessions() as session:
        inbound_id = await session.scalar(
            select(models.Message.id).where(models.Message.direction == "in")
        )
    assert inbound_id is not None
    await outbox.mark_sent({inbound_id: Receipt()}, datetime.now(UTC))
    assert await delivery(db, inbound_id) == (None, 0, None)


async def test_a_receipt_keeps_the_platform_id_and_template(
    inbox: SqlInbox, outbox: SqlOutbox, db: Database
) -> None:
    now = await queue(inbox, "whatsapp", "satu", "dua")
    first, second = await outbox.due(["whatsapp"], now, limit=10)
    await outbox.mark_sent(
        {first.id: Receipt("wamid.A"), second.id: Receipt("wamid.B", template="polres_pesan")},
        now,
    )
    async with db.sessions() as session:
        rows = [await session.get_one(models.Message, m.id) for m in (first, second)]
    assert [(r.delivery_status, r.external_id, r.template) for r in rows] == [
        ("sent", "wamid.A", None),
        ("sent", "wamid.B", "polres_pesan"),
    ]


async def test_due_messages_carry_the_citizens_language_and_last_message_time(
    inbox: SqlInbox, outbox: SqlOutbox
) -> None:
    before = datetime.now(UTC)
    now = await queue(inbox, "whatsapp", "satu")
    [message] = await outbox.due(["whatsapp"], now, limit=10)
    assert message.language == "id"
    assert message.last_inbound_at is not None
    assert before - SOON <= message.last_inbound_at <= now
    assert message.last_inbound_at.tzinfo is not None
    assert not message.template_required


def report(status: Delivery, **fields: object) -> DeliveryReport:
    return DeliveryReport("whatsapp", "wamid.A", status, **fields)  # type: ignore[arg-type]


async def sent_one(inbox: SqlInbox, outbox: SqlOutbox) -> tuple[int, datetime]:
    now = await queue(inbox, "whatsapp", "satu")
    [message] = await outbox.due(["whatsapp"], now, limit=10)
    await outbox.mark_sent({message.id: Receipt("wamid.A")}, now)
    return message.id, now


async def test_statuses_move_a_message_forward_only(
    inbox: SqlInbox, outbox: SqlOutbox, db: Database
) -> None:
    message_id, _ = await sent_one(inbox, outbox)
    assert await outbox.record_deliveries([report(Delivery.DELIVERED)]) == []
    assert (await delivery(db, message_id))[0] == "delivered"
    late = report(Delivery.DELIVERED)
    assert await outbox.record_deliveries([report(Delivery.READ), late]) == [late]
    assert (await delivery(db, message_id))[0] == "read"  # a late "delivered" changes nothing
    await outbox.record_deliveries([report(Delivery.FAILED, error="131026: undeliverable")])
    assert (await delivery(db, message_id))[0] == "read"


async def test_a_failed_status_keeps_the_error(
    inbox: SqlInbox, outbox: SqlOutbox, db: Database
) -> None:
    message_id, now = await sent_one(inbox, outbox)
    await outbox.record_deliveries([report(Delivery.FAILED, error="131026: undeliverable")])
    assert await delivery(db, message_id) == ("failed", 1, "131026: undeliverable")
    assert await outbox.due(["whatsapp"], now + timedelta(days=1), limit=10) == []


async def test_a_message_that_needed_a_template_is_queued_again_once(
    inbox: SqlInbox, outbox: SqlOutbox, db: Database
) -> None:
    message_id, _ = await sent_one(inbox, outbox)
    needs_template = report(
        Delivery.FAILED, error="131047: Re-engagement message", resend_as_template=True
    )
    await outbox.record_deliveries([needs_template, needs_template])  # redelivered webhook
    [again] = await outbox.due(["whatsapp"], datetime.now(UTC) + SOON, limit=10)
    assert (again.id, again.template_required, again.parts_sent) == (message_id, True, 0)
    await outbox.mark_sent({message_id: Receipt("wamid.T", template="polres_pesan")}, now_())
    await outbox.record_deliveries([needs_template])  # the old wamid: no longer this message
    assert (await delivery(db, message_id))[0] == "sent"


async def test_statuses_of_unknown_messages_are_ignored(
    inbox: SqlInbox, outbox: SqlOutbox, db: Database
) -> None:
    message_id, _ = await sent_one(inbox, outbox)
    unknown = [
        DeliveryReport("whatsapp", "wamid.other", Delivery.READ),
        DeliveryReport("telegram", "wamid.A", Delivery.READ),
    ]
    assert await outbox.record_deliveries(unknown) == unknown  # changed nothing
    assert (await delivery(db, message_id))[0] == "sent"


def now_() -> datetime:
    return datetime.now(UTC)


async def test_marking_a_message_sent_twice_counts_one_attempt(
    inbox: SqlInbox, outbox: SqlOutbox, db: Database
) -> None:
    now = await queue(inbox, "webchat", "satu")
    [message] = await outbox.due(["webchat"], now, limit=10)
    await outbox.mark_sent({message.id: Receipt()}, now)
    await outbox.mark_sent({message.id: Receipt()}, now)  # the web chat fetched it again
    assert await delivery(db, message.id) == ("sent", 1, None)


async def test_queue_depths_and_unanswered_tickets(inbox: SqlInbox, queries: Queries) -> None:
    await queue(inbox, "telegram", "satu", "dua")
    await inbox.accept(Inbound(channel="telegram", chat_id="c2", external_id="waiting"))
    assert await queries.queue_depths() == {"inbox": 1, "outbox": 2}
    assert await queries.unanswered_tickets() == []
