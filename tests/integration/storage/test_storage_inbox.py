"""SqlInbox: accepting messages, loading turns and committing decisions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, func, select, update

from bot.core.ports import Decision
from bot.core.types import (
    Button,
    Category,
    Classification,
    DialogState,
    Inbound,
    IntentScore,
    Location,
    Media,
    NewTicket,
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


def inbound(
    external_id: str,
    text: str = "halo",
    chat_id: str = "42",
    display_name: str | None = None,
    location: Location | None = None,
    media: tuple[Media, ...] = (),
) -> Inbound:
    return Inbound(
        channel="telegram",
        chat_id=chat_id,
        external_id=external_id,
        text=text,
        media=media,
        location=location,
        display_name=display_name,
    )


def decision(
    outcome: Outcome,
    code: str = "PL-AAAA-BBBB",
    classification: Classification | None = None,
    language: str = "id",
) -> Decision:
    priority = 2 if outcome.ticket else None
    return Decision(outcome, classification, language, ticket_code=code, ticket_priority=priority)


CRIME = NewTicket(
    category=Category.CRIME_REPORT,
    urgent=False,
    summary="motor dicuri",
    intent="report_theft",
    confidence=0.91,
    details={"what": "motor"},
    location=Location(-7.8, 110.4),
    media=(Media("photo", "file-1"),),
)


async def count(db: Database, *where: ColumnElement[bool]) -> int:
    async with db.sessions() as session:
        found = await session.scalar(select(func.count()).select_from(models.Message).where(*where))
        return found or 0


async def test_accept_stores_citizen_and_message(inbox: SqlInbox) -> None:
    accepted = await inbox.accept(
        inbound("u1", "tolong", display_name="Budi", location=Location(-7.8, 110.4))
    )
    assert not accepted.duplicate
    turn = await inbox.load_turn(accepted.message_id)
    assert turn is not None
    assert turn.message.text == "tolong"
    assert turn.message.location == Location(-7.8, 110.4)
    assert turn.message.citizen.id == accepted.citizen_id
    assert turn.message.citizen.display_name == "Budi"
    assert turn.message.citizen.language == "id"
    assert turn.state is None
    assert list(turn.tickets) == []


async def test_redelivery_is_a_duplicate(inbox: SqlInbox, db: Database) -> None:
    first = await inbox.accept(inbound("u1", media=(Media("photo", "f1"),)))
    again = await inbox.accept(inbound("u1"))
    assert again == type(first)(first.message_id, first.citizen_id, duplicate=True)
    assert await count(db) == 1


async def test_same_external_id_on_another_channel_is_a_new_message(inbox: SqlInbox) -> None:
    telegram = await inbox.accept(inbound("u1"))
    whatsapp = await inbox.accept(Inbound(channel="whatsapp", chat_id="42", external_id="u1"))
    assert not whatsapp.duplicate
    assert whatsapp.citizen_id != telegram.citizen_id


async def test_concurrent_redeliveries_store_one_row(database_url: str, db: Database) -> None:
    other = Database.connect(database_url)
    try:
        results = await asyncio.gather(
            *(SqlInbox(database).accept(inbound("race")) for database in (db, other, db, other))
        )
    finally:
        await other.close()
    assert await count(db) == 1
    assert sorted(result.duplicate for result in results) == [False, True, True, True]
    assert len({(result.message_id, result.citizen_id) for result in results}) == 1


async def test_a_concurrent_burst_is_stored_read_and_committed_in_groups(
    inbox: SqlInbox, db: Database
) -> None:
    # 10 chats, 2 messages each, every message delivered twice: all at once.
    deliveries = [inbound(f"m{n}", chat_id=f"c{n % 10}") for n in range(20)] * 2
    accepted = await asyncio.gather(*map(inbox.accept, deliveries))

    assert await count(db) == 20
    originals, redeliveries = accepted[:20], accepted[20:]
    assert not any(a.duplicate for a in originals)
    assert all(a.duplicate for a in redeliveries)
    assert [a.message_id for a in redeliveries] == [a.message_id for a in originals]
    assert len({a.citizen_id for a in originals}) == 10

    first_of_each_chat = originals[:10]
    turns = await asyncio.gather(*(inbox.load_turn(a.message_id) for a in first_of_each_chat))
    assert [t.message.id for t in turns if t] == [a.message_id for a in first_of_each_chat]
    await asyncio.gather(
        *(
            inbox.commit(a.message_id, decision(Outcome(replies=(Reply(f"r{a.message_id}"),))))
            for a in first_of_each_chat
        )
    )
    pending = {item.message_id for item in await inbox.pending(limit=50)}
    assert pending == {a.message_id for a in originals[10:]}
    async with db.sessions() as session:
        replies = (
            await session.scalars(
                select(models.Message.text).where(models.Message.direction == "out")
            )
        ).all()
    assert sorted(replies) == sorted(f"r{a.message_id}" for a in first_of_each_chat)


async def test_display_name_is_updated_but_not_erased(inbox: SqlInbox) -> None:
    await inbox.accept(inbound("u1", display_name="Budi"))
    await inbox.accept(inbound("u2", display_name="Budi S."))
    latest = await inbox.accept(inbound("u3"))
    turn = await inbox.load_turn(latest.message_id)
    assert turn is not None
    assert turn.message.citizen.display_name == "Budi S."


async def test_accept_claims_a_message_only_when_nothing_of_its_citizen_waits(
    inbox: SqlInbox,
) -> None:
    first, second = [await inbox.accept(inbound(f"u{n}")) for n in range(2)]
    other = await inbox.accept(inbound("o1", chat_id="another-chat"))
    assert (first.claimed, second.claimed, other.claimed) == (True, False, True)
    # A claimed message is skipped by the worker's passes, and so is its citizen.
    assert await inbox.pending(limit=10) == []
    await inbox.commit(first.message_id, decision(Outcome()))
    assert [item.message_id for item in await inbox.pending(limit=10)] == [second.message_id]
    await inbox.commit(second.message_id, decision(Outcome()))
    third, again = await asyncio.gather(inbox.accept(inbound("u3")), inbox.accept(inbound("u3")))
    assert (third.claimed, third.duplicate) == (True, False)
    assert (again.claimed, again.duplicate) == (False, True)


async def test_pending_claims_each_citizens_oldest_unprocessed_message(inbox: SqlInbox) -> None:
    ids = [(await inbox.accept(inbound(f"u{n}"))).message_id for n in range(3)]
    other = await inbox.accept(inbound("o1", chat_id="another-chat"))
    await inbox.release([other.message_id])  # as if nobody answered it at once
    await inbox.commit(ids[0], decision(Outcome()))
    [first] = await inbox.pending(limit=1)
    assert first.message_id == ids[1]
    assert not first.duplicate
    # Claimed: its citizen is skipped (their next message must wait for this one).
    assert [item.message_id for item in await inbox.pending(limit=10)] == [other.message_id]
    assert await inbox.pending(limit=10) == []
    await inbox.release([ids[1]])
    assert [item.message_id for item in await inbox.pending(limit=10)] == [ids[1]]


async def test_concurrent_claims_never_share_a_citizen(inbox: SqlInbox, database_url: str) -> None:
    for chat in range(20):
        for n in range(3):
            accepted = await inbox.accept(inbound(f"c{chat}-{n}", chat_id=f"chat-{chat}"))
            await inbox.release([accepted.message_id])
    other = SqlInbox(Database.connect(database_url))  # a second instance's connection pool
    try:
        claims = await asyncio.gather(
            *((inbox if i % 2 else other).pending(limit=4) for i in range(8))
        )
    finally:
        await other.db.close()
    citizens = [item.citizen_id for claim in claims for item in claim]
    assert len(citizens) == len(set(citizens)) == 20


async def test_two_processes_storing_one_citizens_messages_claim_one(
    inbox: SqlInbox, database_url: str
) -> None:
    other = SqlInbox(Database.connect(database_url))  # a second instance's connection pool
    try:
        for round_ in range(10):
            chat = f"chat-{round_}"
            known = await inbox.accept(inbound(f"{chat}-0", chat_id=chat))
            await inbox.commit(known.message_id, decision(Outcome()))
            both = await asyncio.gather(
                inbox.accept(inbound(f"{chat}-1", chat_id=chat)),
                other.accept(inbound(f"{chat}-2", chat_id=chat)),
            )
            assert sorted(accepted.claimed for accepted in both) == [False, True]
    finally:
        await other.db.close()


async def test_load_turn_is_none_once_processed_or_unknown(inbox: SqlInbox) -> None:
    accepted = await inbox.accept(inbound("u1"))
    await inbox.commit(accepted.message_id, decision(Outcome()))
    assert await inbox.load_turn(accepted.message_id) is None
    assert await inbox.load_turn(999_999) is None


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
