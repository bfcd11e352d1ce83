"""SqlInbox: committing a turn's decision (tickets, ticket updates, replies, dialog state)."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import func, select

from bot.core.ports import Decision
from bot.core.types import (
    Button,
    Category,
    Classification,
    DialogState,
    IntentScore,
    Location,
    Media,
    Outcome,
    Reply,
    TicketStatus,
    TicketUpdate,
)
from bot.storage import models
from bot.storage.database import Database
from bot.storage.inbox import SqlInbox
from bot.storage.outbox import SqlOutbox
from bot.storage.queries import Queries
from tests.integration.storage.inbox_helpers import CRIME, count, decision, inbound


async def test_commit_opens_a_ticket_and_queues_replies(
    inbox: SqlInbox, outbox: SqlOutbox, queries: Queries, db: Database
) -> None:
    accepted = await inbox.accept(inbound("u1", "motor saya dicuri"))
    classification = Classification(
        text="motor saya dicuri",
        intent="report_theft",
        confidence=0.91,
        category=Category.CRIME_REPORT,
        faq_topic=None,
        urgent=False,
        ranking=(IntentScore("report_theft", 0.91), IntentScore("greet", 0.05)),
        model_version="m1",
    )
    replies = (
        Reply("Laporan diterima: PL-AAAA-BBBB"),
        Reply("Kirim lokasi?", buttons=(Button("Ya", "/lokasi"), Button("Tidak", "/batal"))),
    )
    outcome = Outcome(replies=replies, ticket=CRIME, needs_review=True)
    ready = await inbox.commit(
        accepted.message_id, decision(outcome, classification=classification, language="en")
    )

    turn = await inbox.load_turn((await inbox.accept(inbound("u2"))).message_id)
    assert turn is not None
    assert turn.message.citizen.language == "en"
    [summary] = turn.tickets
    assert (summary.code, summary.category, summary.status) == (
        "PL-AAAA-BBBB",
        Category.CRIME_REPORT,
        TicketStatus.NEW,
    )
    assert summary.summary == "motor dicuri"
    assert summary.created_at.tzinfo == UTC

    async with db.sessions() as session:
        ticket = await session.scalar(select(models.Ticket))
        message = await session.get_one(models.Message, accepted.message_id)
        actions = (await session.scalars(select(models.AuditEntry.action))).all()
    assert ticket is not None
    assert (ticket.priority, ticket.intent, ticket.details) == (
        2,
        "report_theft",
        {"what": "motor"},
    )
    assert (ticket.latitude, ticket.longitude) == (-7.8, 110.4)
    assert ticket.media == [{"kind": "photo", "ref": "file-1"}]
    assert message.ticket_id == ticket.id
    assert (message.intent, message.category, message.model_version) == (
        "report_theft",
        "crime_report",
        "m1",
    )
    assert message.ranking == [
        {"name": "report_theft", "confidence": 0.91},
        {"name": "greet", "confidence": 0.05},
    ]
    assert message.needs_review is True
    assert message.processed_at is not None
    assert message.processed_at.tzinfo == UTC
    assert actions == ["ticket.created"]

    sent = await queries.replies_to(accepted.message_id)
    assert [reply.reply for reply in sent] == list(replies)
    assert {(reply.channel, reply.chat_id) for reply in sent} == {("telegram", "42")}
    # Claimed for the caller to send at once: the outbox worker skips them until released.
    assert [(r.id, r.reply, r.language) for r in ready] == [(r.id, r.reply, "en") for r in sent]
    assert await outbox.due(["telegram"], message.processed_at, 10) == []
    await outbox.release([reply.id for reply in ready], message.processed_at)
    assert [reply.id for reply in await outbox.due(["telegram"], message.processed_at, 10)] == [
        reply.id for reply in sent
    ]
    async with db.sessions() as session:
        rows = (
            await session.scalars(select(models.Message).where(models.Message.direction == "out"))
        ).all()
    assert {(row.ticket_id, row.delivery_status, row.attempts) for row in rows} == {
        (ticket.id, "pending", 0)
    }


async def test_replies_behind_an_earlier_unsent_message_are_left_to_the_worker(
    inbox: SqlInbox,
) -> None:
    first = await inbox.accept(inbound("u1"))
    [waiting] = await inbox.commit(first.message_id, decision(Outcome(replies=(Reply("1"),))))
    second = await inbox.accept(inbound("u2"))
    assert await inbox.commit(second.message_id, decision(Outcome(replies=(Reply("2"),)))) == []
    other = await inbox.accept(inbound("o1", chat_id="another-chat"))
    [ready] = await inbox.commit(other.message_id, decision(Outcome(replies=(Reply("3"),))))
    assert (waiting.reply.text, ready.reply.text, ready.chat_id) == ("1", "3", "another-chat")


async def test_commit_twice_is_a_no_op(inbox: SqlInbox, db: Database) -> None:
    accepted = await inbox.accept(inbound("u1"))
    outcome = Outcome(replies=(Reply("halo"),), ticket=CRIME)
    await inbox.commit(accepted.message_id, decision(outcome))
    await inbox.commit(accepted.message_id, decision(outcome, code="PL-CCCC-DDDD"))
    async with db.sessions() as session:
        tickets = (await session.scalars(select(models.Ticket.code))).all()
        audit = await session.scalar(select(func.count()).select_from(models.AuditEntry))
    assert tickets == ["PL-AAAA-BBBB"]
    assert audit == 1
    assert await count(db, models.Message.direction == "out") == 1


async def test_ticket_update_adds_notes_location_and_media(inbox: SqlInbox, db: Database) -> None:
    first = await inbox.accept(inbound("u1"))
    await inbox.commit(first.message_id, decision(Outcome(ticket=CRIME)))
    for n, change in enumerate(
        [
            TicketUpdate(code="PL-AAAA-BBBB", note="plat AB 1234"),
            TicketUpdate(
                code="PL-AAAA-BBBB",
                note="warna merah",
                location=Location(-7.7, 110.3),
                media=(Media("photo", "file-2"),),
            ),
        ]
    ):
        later = await inbox.accept(inbound(f"u{n + 2}"))
        await inbox.commit(
            later.message_id, decision(Outcome(replies=(Reply("ok"),), ticket_update=change))
        )
    async with db.sessions() as session:
        ticket = await session.scalar(select(models.Ticket))
        assert ticket is not None
        linked = (
            await session.scalars(
                select(models.Message.id).where(models.Message.ticket_id == ticket.id)
            )
        ).all()
        updates = await session.scalar(
            select(func.count())
            .select_from(models.AuditEntry)
            .where(
                models.AuditEntry.action == "ticket.updated",
                models.AuditEntry.ticket_id == ticket.id,
            )
        )
    assert ticket.details == {"what": "motor", "notes": "plat AB 1234\nwarna merah"}
    assert (ticket.latitude, ticket.longitude) == (-7.7, 110.3)
    assert ticket.media == [{"kind": "photo", "ref": "file-1"}, {"kind": "photo", "ref": "file-2"}]
    assert ticket.updated_at > ticket.created_at
    assert len(linked) == 5  # three inbound messages and two replies
    assert updates == 2


async def test_ticket_update_of_another_citizens_ticket_changes_nothing(
    inbox: SqlInbox, db: Database
) -> None:
    owner = await inbox.accept(inbound("u1", chat_id="owner"))
    await inbox.commit(owner.message_id, decision(Outcome(ticket=CRIME)))
    stranger = await inbox.accept(inbound("u2", chat_id="stranger"))
    change = TicketUpdate(code="PL-AAAA-BBBB", note="palsu", location=Location(1.0, 1.0))
    await inbox.commit(stranger.message_id, decision(Outcome(ticket_update=change)))
    async with db.sessions() as session:
        ticket = await session.scalar(select(models.Ticket))
        message = await session.get_one(models.Message, stranger.message_id)
    assert ticket is not None
    assert "notes" not in ticket.details
    assert ticket.latitude == -7.8
    assert message.ticket_id is None
    assert message.processed_at is not None


async def test_an_update_can_make_the_ticket_urgent_and_rate_it(
    inbox: SqlInbox, db: Database
) -> None:
    first = await inbox.accept(inbound("u1"))
    await inbox.commit(first.message_id, decision(Outcome(ticket=CRIME)))
    danger = await inbox.accept(inbound("u2", text="dia datang lagi"))
    urgent = Outcome(ticket_update=TicketUpdate(code="PL-AAAA-BBBB", urgent=True))
    await inbox.commit(danger.message_id, Decision(urgent, None, "id", "PL-XXXX-XXXX", 1))
    rated = await inbox.accept(inbound("u3", text="5"))
    rating = Outcome(ticket_update=TicketUpdate(code="PL-AAAA-BBBB", rating=5))
    await inbox.commit(rated.message_id, decision(rating))
    async with db.sessions() as session:
        ticket = await session.scalar(select(models.Ticket))
    assert ticket is not None
    assert (ticket.urgent, ticket.priority, ticket.rating) == (True, 1, 5)


async def test_dialog_state_is_set_replaced_and_cleared(inbox: SqlInbox) -> None:
    async def turn_after(external_id: str, outcome: Outcome) -> DialogState | None:
        accepted = await inbox.accept(inbound(external_id))
        await inbox.commit(accepted.message_id, decision(outcome))
        turn = await inbox.load_turn(
            (await inbox.accept(inbound(f"{external_id}-next"))).message_id
        )
        assert turn is not None
        return turn.state

    asking = DialogState("crime_report", "ask_what", {"answers": {"when": "kemarin"}})
    assert await turn_after("u1", Outcome(state=asking)) == asking
    located = DialogState("crime_report", "ask_where", {"answers": {"what": "motor"}})
    assert await turn_after("u2", Outcome(state=located)) == located
    assert await turn_after("u3", Outcome()) is None


async def test_clarified_category_is_stored_on_the_earlier_message(
    inbox: SqlInbox, db: Database
) -> None:
    unclear = await inbox.accept(inbound("u1", "hmm"))
    await inbox.commit(unclear.message_id, decision(Outcome(needs_review=True)))
    answer = await inbox.accept(inbound("u2", "laporan"))
    await inbox.commit(
        answer.message_id, decision(Outcome(clarified=(unclear.message_id, Category.CRIME_REPORT)))
    )
    async with db.sessions() as session:
        earlier = await session.get_one(models.Message, unclear.message_id)
        later = await session.get_one(models.Message, answer.message_id)
    assert earlier.clarified_category == "crime_report"
    assert earlier.needs_review is True
    assert later.clarified_category is None
    assert later.needs_review is False
