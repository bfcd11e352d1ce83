"""SqlInbox: what a turn reads (its message, tickets, recent topic and questions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.core.types import Category, Classification, IntentScore, Outcome
from bot.storage import models
from bot.storage.database import Database
from bot.storage.inbox import SqlInbox
from tests.integration.storage.inbox_helpers import CRIME, decision, inbound


async def test_load_turn_is_none_once_processed_or_unknown(inbox: SqlInbox) -> None:
    accepted = await inbox.accept(inbound("u1"))
    await inbox.commit(accepted.message_id, decision(Outcome()))
    assert await inbox.load_turn(accepted.message_id) is None
    assert await inbox.load_turn(999_999) is None


async def test_turn_lists_twenty_newest_tickets_first(inbox: SqlInbox) -> None:
    for n in range(22):
        accepted = await inbox.accept(inbound(f"u{n}"))
        await inbox.commit(accepted.message_id, decision(Outcome(ticket=CRIME), code=f"PL-{n:04}"))
    turn = await inbox.load_turn((await inbox.accept(inbound("last"))).message_id)
    assert turn is not None
    assert [ticket.code for ticket in turn.tickets] == [f"PL-{n:04}" for n in range(21, 1, -1)]


def asked(topic: str | None) -> Classification:
    intent = f"faq_{topic}" if topic else "follow_up_question"
    category = Category.QUESTION
    return Classification(intent, intent, 0.9, category, topic, False, (IntentScore(intent, 0.9),))


async def test_recent_topic_is_the_citizens_latest_one_within_the_window(
    inbox: SqlInbox, db: Database
) -> None:
    start = datetime.now(UTC)
    assert await inbox.recent_topic(1, start - timedelta(minutes=30)) is None
    for n, (chat, topic) in enumerate(
        [("42", "sim"), ("42", "skck"), ("42", None), ("7", "tilang")]
    ):
        accepted = await inbox.accept(inbound(f"t{n}", chat_id=chat))
        await inbox.commit(accepted.message_id, decision(Outcome(), classification=asked(topic)))
    unprocessed = await inbox.accept(inbound("t9", chat_id="42"))  # the follow-up itself
    citizen = unprocessed.citizen_id

    assert await inbox.recent_topic(citizen, start - timedelta(minutes=30)) == "skck"
    assert await inbox.recent_topic(citizen, datetime.now(UTC) + timedelta(seconds=1)) is None
    async with db.transaction() as connection:
        await connection.execute(
            update(models.Message).values(created_at=start - timedelta(hours=1))
        )
    assert await inbox.recent_topic(citizen, start - timedelta(minutes=30)) is None


async def test_recent_questions_are_the_citizens_latest_newest_first(
    inbox: SqlInbox, db: Database
) -> None:
    start = datetime.now(UTC)
    report = Classification(
        "report", "report", 0.9, Category.CRIME_REPORT, None, False, (IntentScore("report", 0.9),)
    )
    for n, (chat, text, classification) in enumerate(
        [
            ("42", "biaya skck", asked("skck")),
            ("42", "syaratnya?", asked(None)),
            ("42", "motor saya dicuri", report),
            ("42", "kalau sim?", asked("sim")),
            ("7", "denda tilang", asked("tilang")),
        ]
    ):
        accepted = await inbox.accept(inbound(f"q{n}", text, chat_id=chat))
        await inbox.commit(accepted.message_id, decision(Outcome(), classification=classification))
    citizen = (await inbox.accept(inbound("q9", "klo stnk?", chat_id="42"))).citizen_id
    since = start - timedelta(minutes=30)

    assert await inbox.recent_questions(citizen, since, 3) == [
        "kalau sim?",
        "syaratnya?",
        "biaya skck",
    ]
    assert await inbox.recent_questions(citizen, since, 1) == ["kalau sim?"]
    async with db.transaction() as connection:
        await connection.execute(
            update(models.Message).values(created_at=start - timedelta(hours=1))
        )
    assert await inbox.recent_questions(citizen, since, 3) == []
