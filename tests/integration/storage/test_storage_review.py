"""SqlReview: the review queue, confirm/correct/discard and the retention sweep, on SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.core.errors import InvalidInput
from bot.core.ports import Decision
from bot.core.types import (
    Category,
    Classification,
    Inbound,
    IntentScore,
    NewTicket,
    Outcome,
    Reply,
    Role,
    User,
)
from bot.storage import models
from bot.storage.database import Database
from bot.storage.inbox import SqlInbox
from bot.storage.review import ReviewRefused, SqlReview
from bot.storage.tickets import SqlTickets
from bot.storage.users import SqlUsers

BELOW = 0.6
M = models.Message


def since(days: int = 180) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


@pytest.fixture
async def admins(db: Database) -> tuple[User, User]:
    users = SqlUsers(db)
    return (
        await users.add("admin", "h", Role.ADMIN, by="cli"),
        await users.add("rina", "h", Role.ADMIN, by="cli"),
    )


@pytest.fixture
def review(db: Database) -> SqlReview:
    return SqlReview(db)


async def classified(
    db: Database,
    external_id: str,
    text: str,
    intent: str = "faq_sim",
    confidence: float = 0.3,
    channel: str = "telegram",
    outcome: Outcome | None = None,
) -> int:
    """An inbound message the pipeline classified (and answered with `outcome`)."""
    inbox = SqlInbox(db)
    accepted = await inbox.accept(Inbound(channel, f"chat-{external_id}", external_id, text))
    found = Classification(
        text=text,
        intent=intent,
        confidence=confidence,
        category=Category.QUESTION,
        faq_topic="sim" if intent == "faq_sim" else None,
        urgent=False,
        ranking=(IntentScore(intent, confidence), IntentScore("feedback", 0.2)),
        model_version="nlu-test",
    )
    decision = Decision(
        outcome or Outcome(replies=(Reply("ok"),)), found, "id", f"PL-{external_id}", 3
    )
    await inbox.commit(accepted.message_id, decision)
    return accepted.message_id


async def age(db: Database, message_id: int, days: int) -> None:
    async with db.transaction() as connection:
        await connection.execute(
            update(M)
            .where(M.id == message_id)
            .values(created_at=datetime.now(UTC) - timedelta(days=days))
        )


async def message(db: Database, message_id: int) -> models.Message:
    async with db.sessions() as session:
        found = await session.get(models.Message, message_id)
    assert found is not None
    return found


async def audit_actions(db: Database) -> list[tuple[str, str, dict[str, object]]]:
    async with db.sessions() as session:
        rows = await session.execute(
            select(models.AuditEntry.actor, models.AuditEntry.action, models.AuditEntry.detail)
            .where(models.AuditEntry.action.like("review.%"))
            .order_by(models.AuditEntry.id)
        )
        return [(actor, action, detail) for actor, action, detail in rows.tuples()]


async def test_the_queue_holds_low_confidence_clarified_reclassified_and_overruled_messages(
    db: Database, review: SqlReview, admins: tuple[User, User]
) -> None:
    low = await classified(db, "m1", "gimana sim saya", confidence=0.41)
    sure = await classified(db, "m2", "cara bikin sim", confidence=0.97)
    clarified = await classified(db, "m3", "mau tanya", intent="feedback", confidence=0.55)
    inbox = SqlInbox(db)
    choice = await inbox.accept(Inbound("telegram", "chat-m3", "m3b", "/pilih question"))
    await inbox.commit(
        choice.message_id,
        Decision(Outcome(clarified=(clarified, Category.QUESTION)), None, "id", "PL-X", None),
    )
    ticketed = await classified(
        db,
        "m4",
        "motor saya hilang",
        intent="feedback",
        confidence=0.92,
        outcome=Outcome(ticket=NewTicket(Category.FEEDBACK, False, "motor")),
    )
    await SqlTickets(db).reclassify("PL-m4", admins[0], "crime_report", Category.CRIME_REPORT, None)
    overruled = await classified(
        db,
        "m5",
        "rumah sy kebobolan maling semalam",
        intent="emergency",
        confidence=0.99,
        outcome=Outcome(replies=(Reply("Di mana?"),), needs_review=True),
    )

    items = await review.queue(confidence_below=BELOW, since=since())

    assert [(i.id, i.reason) for i in items] == [
        (low, "low_confidence"),
        (clarified, "clarified"),
        (ticketed, "reclassified"),
        (overruled, "overruled"),
    ]
    assert sure not in [i.id for i in items]
    first = items[0]
    assert (first.text, first.intent, first.confidence, first.category, first.faq_topic) == (
        "gimana sim saya",
        "faq_sim",
        0.41,
        "question",
        "sim",
    )
    assert first.suggested_intent == "faq_sim"
    assert first.channel == "telegram"
    assert first.ranking == (IntentScore("faq_sim", 0.41), IntentScore("feedback", 0.2))
    assert items[2].suggested_intent == "crime_report"  # the officer's correction
    assert await review.waiting(confidence_below=BELOW, since=since()) == {
        "low_confidence": 1,
        "clarified": 1,
        "reclassified": 1,
        "overruled": 1,
    }
    filtered = await review.queue(confidence_below=BELOW, since=since(), reason="overruled")
    assert [(i.id, i.suggested_intent) for i in filtered] == [(overruled, "emergency")]


async def test_the_queue_sorts_and_filters(db: Database, review: SqlReview) -> None:
    a = await classified(db, "m1", "satu", confidence=0.5)
    b = await classified(db, "m2", "dua", intent="greet", confidence=0.2, channel="webchat")
    c = await classified(db, "m3", "tiga", confidence=0.35)
    await age(db, a, 3)
    await age(db, b, 2)
    await age(db, c, 1)

    async def ids(**filters: Any) -> list[int]:
        found = await review.queue(confidence_below=BELOW, since=since(), **filters)
        return [item.id for item in found]

    assert await ids() == [b, c, a]
    assert await ids(sort="newest") == [c, b, a]
    assert await ids(intent="faq_sim") == [c, a]
    assert await ids(channel="webchat") == [b]
    assert await ids(reason="clarified") == []
    assert await ids(reason="low_confidence", sort="newest") == [c, b, a]
    found = await review.queue(confidence_below=BELOW, since=since(), limit=1)
    assert [item.id for item in found] == [b]
    with pytest.raises(InvalidInput, match="sort"):
        await ids(sort="random")
    with pytest.raises(InvalidInput, match="reason"):
        await ids(reason="bored")


async def test_old_reviewed_outbound_and_unclassified_messages_do_not_wait(
    db: Database, review: SqlReview, admins: tuple[User, User]
) -> None:
    old = await classified(db, "m1", "lama", confidence=0.1)
    await age(db, old, 200)
    reviewed = await classified(db, "m2", "sudah", confidence=0.1)
    await review.discard(reviewed, admins[0])
    inbox = SqlInbox(db)
    command = await inbox.accept(Inbound("telegram", "c", "m3", "/status"))
    await inbox.commit(
        command.message_id, Decision(Outcome(replies=(Reply("x"),)), None, "id", "PL-Y", None)
    )

    assert await review.queue(confidence_below=BELOW, since=since()) == []
    assert await review.waiting(confidence_below=BELOW, since=since()) == {
        "low_confidence": 0,
        "clarified": 0,
        "reclassified": 0,
        "overruled": 0,
    }


async def test_confirm_and_correct_become_examples_with_an_audit_row(
    db: Database, review: SqlReview, admins: tuple[User, User]
) -> None:
    kept = await classified(db, "m1", "perpanjang sim dimana", confidence=0.4)
    fixed = await classified(db, "m2", "motor sy dibawa kabur", confidence=0.3)
    dropped = await classified(db, "m3", "asdfgh", confidence=0.2)

    assert await review.confirm(kept, "faq_sim", admins[0]) == "confirmed"
    assert await review.confirm(fixed, "crime_report", admins[1]) == "corrected"
    await review.discard(dropped, admins[0])

    assert await review.reviewed_examples() == [
        ("perpanjang sim dimana", "faq_sim"),
        ("motor sy dibawa kabur", "crime_report"),
    ]
    row = await message(db, fixed)
    assert (row.review_status, row.reviewed_intent, row.reviewed_by) == (
        "corrected",
        "crime_report",
        admins[1].id,
    )
    assert row.reviewed_at is not None
    assert (row.intent, row.confidence) == ("faq_sim", 0.3)  # the prediction stays
    assert (await message(db, dropped)).review_status == "discarded"
    assert await audit_actions(db) == [
        ("admin", "review.confirmed", {"message_id": kept, "intent": "faq_sim", "predicted": "faq_sim"}),
        ("rina", "review.corrected", {"message_id": fixed, "intent": "crime_report", "predicted": "faq_sim"}),
        ("admin", "review.discarded", {"message_id": dropped, "predicted": "faq_sim"}),
    ]  # fmt: skip
    assert await review.queue(confidence_below=BELOW, since=since()) == []


async def test_a_message_is_reviewed_once(
    db: Database, review: SqlReview, admins: tuple[User, User]
) -> None:
    message_id = await classified(db, "m1", "sim hilang", confidence=0.4)
    await review.confirm(message_id, "faq_sim", admins[0])

    with pytest.raises(ReviewRefused, match=r"already reviewed \(confirmed by admin\)"):
        await review.confirm(message_id, "crime_report", admins[1])
    with pytest.raises(ReviewRefused, match="already reviewed"):
        await review.discard(message_id, admins[1])
    with pytest.raises(ReviewRefused, match="not a classified citizen message"):
        await review.confirm(999_999, "faq_sim", admins[1])
    assert (await message(db, message_id)).reviewed_intent == "faq_sim"
    assert len(await audit_actions(db)) == 1


async def test_two_admins_reviewing_at_once_one_wins(
    database_url: str, db: Database, admins: tuple[User, User]
) -> None:
    message_id = await classified(db, "m1", "sim hilang", confidence=0.4)
    other = Database.connect(database_url)  # a second connection pool, as a second instance
    try:
        results = await asyncio.gather(
            SqlReview(db).confirm(message_id, "faq_sim", admins[0]),
            SqlReview(other).confirm(message_id, "crime_report", admins[1]),
            return_exceptions=True,
        )
    finally:
        await other.close()
    assert sorted(type(r).__name__ for r in results) == ["ReviewRefused", "str"]
    row = await message(db, message_id)
    winner = 0 if isinstance(results[1], ReviewRefused) else 1
    assert row.reviewed_by == admins[winner].id
    assert row.reviewed_intent == ("faq_sim", "crime_report")[winner]
    assert len(await audit_actions(db)) == 1


async def test_the_retention_sweep_masks_old_texts_and_ends_their_review(
    db: Database, review: SqlReview, admins: tuple[User, User]
) -> None:
    old = await classified(db, "m1", "wa sy 081234567890 plat B 1234 ABC", confidence=0.2)
    old_example = await classified(db, "m2", "NIK 3201234567890123 buat skck", confidence=0.4)
    await review.confirm(old_example, "faq_skck", admins[0])
    recent = await classified(db, "m3", "wa sy 081298765432", confidence=0.2)
    for message_id in (old, old_example):
        await age(db, message_id, 200)

    masked = await review.forget_older_than(datetime.now(UTC) - timedelta(days=180))

    assert masked == 2
    old_row = await message(db, old)
    assert old_row.text == "wa sy [telepon] plat [plat]"
    assert (old_row.intent, old_row.confidence, old_row.review_status) == (
        "faq_sim",
        0.2,
        "discarded",
    )
    assert old_row.reviewed_by is None
    assert (await message(db, recent)).text == "wa sy 081298765432"
    assert await review.reviewed_examples() == [("NIK [NIK] buat skck", "faq_skck")]
    # Even a longer look back no longer offers the swept message.
    queue = await review.queue(confidence_below=BELOW, since=since(365))
    assert [item.id for item in queue] == [recent]
    assert await review.forget_older_than(datetime.now(UTC) - timedelta(days=180)) == 0


async def test_forget_expired_sweeps_what_is_older_than_the_retention(
    db: Database, review: SqlReview
) -> None:
    old = await classified(db, "m1", "hp 081234567890", confidence=0.2)
    kept = await classified(db, "m2", "hp 081234567891", confidence=0.2)
    await age(db, old, 181)
    await age(db, kept, 179)

    assert await review.forget_expired(retention_days=180) == 1
    assert [(await message(db, i)).text for i in (old, kept)] == ["hp [telepon]", "hp 081234567891"]


async def test_the_sweep_works_through_more_than_one_batch(
    db: Database, review: SqlReview, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.storage.review.SWEEP_BATCH", 2)
    ids = [await classified(db, f"m{i}", f"hp 08123456789{i}", confidence=0.9) for i in range(5)]
    for message_id in ids:
        await age(db, message_id, 200)

    assert await review.forget_older_than(datetime.now(UTC) - timedelta(days=1)) == 5
    assert {(await message(db, i)).text for i in ids} == {"hp [telepon]"}


async def test_adding_a_topic_is_audited(
    db: Database, review: SqlReview, admins: tuple[User, User]
) -> None:
    await review.record_topic("pajak", admins[1])
    assert await audit_actions(db) == [("rina", "review.topic_added", {"topic": "pajak"})]
