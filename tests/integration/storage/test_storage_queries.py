"""Queries: the read helpers for the web chat and the CLI."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import update

from bot.core.errors import InvalidInput
from bot.core.ports import Decision
from bot.core.types import Category, Inbound, NewTicket, Outcome, Reply, TicketStatus
from bot.storage import models
from bot.storage.database import Database
from bot.storage.inbox import SqlInbox
from bot.storage.queries import Queries


async def report(
    inbox: SqlInbox, external_id: str, text: str, priority: int, chat_id: str = "42"
) -> int:
    """Accept a message and commit a ticket (coded after the message) with one reply."""
    accepted = await inbox.accept(
        Inbound(channel="web", chat_id=chat_id, external_id=external_id, text=text)
    )
    ticket = NewTicket(category=Category.CRIME_REPORT, urgent=priority == 1, summary=text)
    outcome = Outcome(replies=(Reply(f"re: {text}"),), ticket=ticket)
    await inbox.commit(
        accepted.message_id, Decision(outcome, None, "id", f"PL-{external_id}", priority)
    )
    return accepted.message_id


async def test_list_tickets_by_priority_then_age(inbox: SqlInbox, queries: Queries) -> None:
    await report(inbox, "A", "dompet hilang", priority=3)
    await report(inbox, "B", "perampokan", priority=1)
    await report(inbox, "C", "motor dicuri", priority=3)
    await report(inbox, "D", "kebakaran", priority=1)
    tickets = await queries.list_tickets()
    assert [ticket.code for ticket in tickets] == ["PL-B", "PL-D", "PL-A", "PL-C"]
    assert [ticket.first_message for ticket in tickets] == [
        "perampokan",
        "kebakaran",
        "dompet hilang",
        "motor dicuri",
    ]
    first = tickets[0]
    assert (first.category, first.urgent, first.priority, first.status) == (
        Category.CRIME_REPORT,
        True,
        1,
        TicketStatus.NEW,
    )
    assert first.created_at.tzinfo == UTC
    assert [ticket.code for ticket in await queries.list_tickets(limit=3)] == [
        "PL-B",
        "PL-D",
        "PL-A",
    ]


async def test_a_dialogs_ticket_is_listed_by_the_citizens_words_not_its_last_command(
    inbox: SqlInbox, queries: Queries
) -> None:
    """A report's ticket is opened by "/kirim" at the end of its dialog: the queue shows what
    happened (the ticket's summary) instead."""
    accepted = await inbox.accept(
        Inbound(channel="web", chat_id="7", external_id="K", text="/kirim")
    )
    ticket = NewTicket(category=Category.CRIME_REPORT, urgent=False, summary="motor dicuri")
    await inbox.commit(accepted.message_id, Decision(Outcome(ticket=ticket), None, "id", "PL-K", 2))

    [row] = await queries.list_tickets()

    assert (row.code, row.first_message) == ("PL-K", "motor dicuri")


async def test_history_is_a_chats_last_messages_both_ways_oldest_first(
    inbox: SqlInbox, queries: Queries
) -> None:
    await report(inbox, "A", "dompet hilang", priority=3, chat_id="42")
    await report(inbox, "B", "motor dicuri", priority=3, chat_id="42")
    await report(inbox, "C", "di chat lain", priority=3, chat_id="43")

    lines = await queries.history("web", "42", limit=3)

    assert [(line.from_citizen, line.text) for line in lines] == [
        (False, "re: dompet hilang"),
        (True, "motor dicuri"),
        (False, "re: motor dicuri"),
    ]
    assert lines[0].id < lines[1].id < lines[2].id
    assert await queries.history("web", "nobody", limit=3) == []


async def test_list_tickets_by_status(inbox: SqlInbox, queries: Queries, db: Database) -> None:
    await report(inbox, "A", "satu", priority=2)
    await report(inbox, "B", "dua", priority=2)
    async with db.sessions.begin() as session:
        await session.execute(
            update(models.Ticket)
            .where(models.Ticket.code == "PL-A")
            .values(status=TicketStatus.RESOLVED.value)
        )
    resolved = await queries.list_tickets(status=TicketStatus.RESOLVED)
    assert [(t.code, t.status) for t in resolved] == [("PL-A", TicketStatus.RESOLVED)]
    assert [t.code for t in await queries.list_tickets(status="new")] == ["PL-B"]
    assert len(await queries.list_tickets()) == 2
    with pytest.raises(InvalidInput, match="unknown ticket status 'open': use one of new, "):
        await queries.list_tickets(status="open")


async def test_replies_and_outbound_after(inbox: SqlInbox, queries: Queries) -> None:
    first = await report(inbox, "A", "satu", priority=2)
    await report(inbox, "B", "lain", priority=2, chat_id="other")
    second = await report(inbox, "C", "dua", priority=2)
    [reply] = await queries.replies_to(first)
    assert (reply.reply.text, reply.channel, reply.chat_id) == ("re: satu", "web", "42")
    assert reply.created_at.tzinfo == UTC
    everything = await queries.outbound_after("web", "42", after_id=0)
    assert [m.reply.text for m in everything] == ["re: satu", "re: dua"]
    later = await queries.outbound_after("web", "42", after_id=everything[0].id)
    assert [m.reply.text for m in later] == ["re: dua"]
    assert [m.reply.text for m in await queries.outbound_after("web", "42", 0, limit=1)] == [
        "re: satu"
    ]
    assert await queries.outbound_after("telegram", "42", after_id=0) == []
    assert await queries.replies_to(second) == [everything[1]]


async def test_message_id_for(inbox: SqlInbox, queries: Queries) -> None:
    message_id = await report(inbox, "A", "satu", priority=2)
    assert await queries.message_id_for("web", "A") == message_id
    assert await queries.message_id_for("telegram", "A") is None
    assert await queries.message_id_for("web", "missing") is None
