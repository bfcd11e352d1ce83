"""SqlTickets: the officers' actions, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.core.handoff import OFFICER_DIALOG, officer_dialog, rating_dialog
from bot.core.ports import Decision
from bot.core.types import Category, NewTicket, Outcome, Reply, Role, TicketStatus, User
from bot.storage import models
from bot.storage.canned import SqlCannedReplies
from bot.storage.database import Database
from bot.storage.inbox import SqlInbox
from bot.storage.queries import Queries
from bot.storage.tickets import SqlTickets, TicketRefused
from bot.storage.users import SqlUsers
from tests.integration.storage.inbox_helpers import inbound

CODE = "PL-TEST-0001"
TICKET = NewTicket(category=Category.CRIME_REPORT, urgent=True, summary="maling")


@pytest.fixture
async def officers(db: Database) -> tuple[User, User, User]:
    users = SqlUsers(db)
    return (
        await users.add("siti", "h", Role.OFFICER, by="cli"),
        await users.add("budi", "h", Role.OFFICER, by="cli"),
        await users.add("admin", "h", Role.ADMIN, by="cli"),
    )


@pytest.fixture
async def citizen_id(db: Database) -> int:
    inbox = SqlInbox(db)
    accepted = await inbox.accept(inbound("m1", text="tolong ada maling"))
    outcome = Outcome(replies=(Reply("110"),), ticket=TICKET)
    await inbox.commit(accepted.message_id, Decision(outcome, None, "id", CODE, 1))
    return accepted.citizen_id


async def outbound_texts(db: Database) -> list[tuple[str, int | None]]:
    async with db.sessions() as session:
        rows = await session.execute(
            select(models.Message.text, models.Message.author_id)
            .where(models.Message.direction == "out")
            .order_by(models.Message.id)
        )
        return [(text, author) for text, author in rows.tuples()]


async def state_of(db: Database, citizen_id: int) -> str | None:
    async with db.sessions() as session:
        row = await session.get(models.DialogStateRow, citizen_id)
        return row.dialog if row else None


async def test_two_officers_claiming_at_once_one_wins(
    database_url: str, db: Database, officers: tuple[User, User, User], citizen_id: int
) -> None:
    other = Database.connect(database_url)  # a second connection pool, as a second instance
    try:
        results = await asyncio.gather(
            SqlTickets(db).claim(CODE, officers[0], Reply("a"), officer_dialog(CODE)),
            SqlTickets(other).claim(CODE, officers[1], Reply("b"), officer_dialog(CODE)),
            return_exceptions=True,
        )
    finally:
        await other.close()
    assert sorted(type(r).__name__ for r in results) == ["NoneType", "TicketRefused"]
    detail = await Queries(db).ticket(CODE)
    assert detail is not None
    assert detail.status is TicketStatus.CLAIMED
    winner = officers[0] if results[0] is None else officers[1]
    assert detail.assignee == winner.username
    assert [text for text, _ in await outbound_texts(db)] == [
        "110",
        "a" if results[0] is None else "b",
    ]
    assert await state_of(db, citizen_id) == OFFICER_DIALOG


async def test_reply_needs_the_holder_and_records_the_first_response(
    db: Database, officers: tuple[User, User, User], citizen_id: int
) -> None:
    siti, budi, admin = officers
    tickets = SqlTickets(db)
    with pytest.raises(TicketRefused, match="not claimed"):
        await tickets.reply(CODE, siti, Reply("halo"))
    await tickets.claim(CODE, siti, Reply("claimed"), officer_dialog(CODE))
    with pytest.raises(TicketRefused, match="another officer"):
        await tickets.reply(CODE, budi, Reply("saya juga"))
    await tickets.reply(CODE, siti, Reply("menuju lokasi"))
    await tickets.reply(CODE, admin, Reply("admin boleh"))

    detail = await Queries(db).ticket(CODE)
    assert detail is not None
    assert detail.status is TicketStatus.ANSWERED
    first = detail.first_response_at
    assert first is not None
    texts = await outbound_texts(db)
    assert texts[-2:] == [("menuju lokasi", siti.id), ("admin boleh", admin.id)]
    await tickets.reply(CODE, siti, Reply("lagi"))
    again = await Queries(db).ticket(CODE)
    assert again is not None
    assert again.first_response_at == first


async def test_release_reassign_note_and_resolve(
    db: Database, officers: tuple[User, User, User], citizen_id: int
) -> None:
    siti, budi, _ = officers
    tickets = SqlTickets(db)
    await tickets.claim(CODE, siti, Reply("claimed"), officer_dialog(CODE))
    await tickets.release(CODE, siti)
    released = await Queries(db).ticket(CODE)
    assert released is not None
    assert (released.status, released.assignee) == (TicketStatus.NEW, None)
    assert await state_of(db, citizen_id) is None

    await tickets.claim(CODE, siti, Reply("claimed"), officer_dialog(CODE))
    await tickets.reassign(CODE, siti, "budi")
    with pytest.raises(TicketRefused, match="no active user"):
        await tickets.reassign(CODE, budi, "nobody")
    await tickets.note(CODE, budi, "cek CCTV")
    assert [n["text"] for n in await tickets.notes(CODE)] == ["cek CCTV"]

    await tickets.finish(
        CODE, budi, TicketStatus.RESOLVED, Reply("selesai, beri nilai"), rating_dialog(CODE)
    )
    done = await Queries(db).ticket(CODE)
    assert done is not None
    assert (done.status, done.assignee) == (TicketStatus.RESOLVED, "budi")
    assert done.resolved_at is not None
    assert await state_of(db, citizen_id) == "rating"
    assert (await outbound_texts(db))[-1] == ("selesai, beri nilai", budi.id)
    assert "cek CCTV" not in [text for text, _ in await outbound_texts(db)]
    with pytest.raises(TicketRefused, match="already resolved or closed"):
        await tickets.finish(CODE, budi, TicketStatus.CLOSED, Reply("x"), None, "spam")

    async with db.sessions() as session:
        audit = (
            await session.execute(
                select(models.AuditEntry.actor, models.AuditEntry.action)
                .where(models.AuditEntry.ticket_id.is_not(None))
                .order_by(models.AuditEntry.id)
            )
        ).all()
    assert [tuple(entry) for entry in audit] == [
        ("bot", "ticket.created"),
        ("siti", "ticket.claimed"),
        ("siti", "ticket.released"),
        ("siti", "ticket.claimed"),
        ("siti", "ticket.reassigned"),
        ("budi", "ticket.noted"),
        ("budi", "ticket.resolved"),
    ]


async def test_reclassify_keeps_the_correction_for_retraining(
    db: Database, officers: tuple[User, User, User], citizen_id: int
) -> None:
    await SqlTickets(db).reclassify(CODE, officers[0], "faq_skck", Category.QUESTION, "skck")
    detail = await Queries(db).ticket(CODE)
    assert detail is not None
    assert (detail.intent, detail.category, detail.faq_topic) == (
        "faq_skck",
        Category.QUESTION,
        "skck",
    )
    async with db.sessions() as session:
        message = await session.scalar(
            select(models.Message).where(models.Message.direction == "in")
        )
    assert message is not None
    assert (message.corrected_intent, message.clarified_category, message.needs_review) == (
        "faq_skck",
        "question",
        False,  # listed for review as reclassified, not as overruled by the bot's rules
    )


async def test_canned_replies_are_seeded_added_and_removed(db: Database) -> None:
    canned = SqlCannedReplies(db)
    seeded = await canned.all("id")
    assert any("Propam" in reply.text and "Dumas Presisi" in reply.text for reply in seeded)
    assert all(reply.language == "id" for reply in seeded)
    await canned.add("en", "Thanks", "Thank you for your patience.", by="admin")
    added = [reply for reply in await canned.all("en") if reply.title == "Thanks"]
    assert [reply.text for reply in added] == ["Thank you for your patience."]
    await canned.remove(added[0].id, by="admin")
    assert "Thanks" not in [reply.title for reply in await canned.all()]
