from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.content import Content
from bot.core.handling import Context
from bot.core.types import Category, TicketStatus, TicketSummary
from handlers import status

MakeContext = Callable[..., Context]


def ticket(code: str, status_: TicketStatus = TicketStatus.NEW, hours: int = 0) -> TicketSummary:
    return TicketSummary(
        code=code,
        category=Category.CRIME_REPORT,
        urgent=False,
        status=status_,
        created_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=hours),
        summary="motor dicuri",
    )


TICKETS = (
    ticket("PL-2345-6789", TicketStatus.CLAIMED),
    ticket("PL-ABCD-EFGH", TicketStatus.RESOLVED, hours=-30),
)


def test_a_known_code_shows_that_ticket(make_context: MakeContext) -> None:
    outcome = status.handle(make_context("/status pl 2345 6789", tickets=TICKETS))

    assert outcome.replies[0].text == (
        "PL-2345-6789 — Laporan kejadian: sedang ditangani petugas (dibuat 01/01/2026 07:00 WIB)"
    )
    assert outcome.ticket is None
    assert outcome.state is None


def test_a_known_code_in_english(make_context: MakeContext) -> None:
    outcome = status.handle(make_context("status of PL-ABCD-EFGH?", language="en", tickets=TICKETS))

    assert outcome.replies[0].text == (
        "PL-ABCD-EFGH — Incident report: resolved (created 31/12/2025 01:00 WIB)"
    )


def test_a_code_not_among_the_citizens_tickets_is_not_found(
    make_context: MakeContext, content: Content
) -> None:
    outcome = status.handle(make_context("/status PL-9999-9999", tickets=TICKETS))

    assert outcome.replies[0].text == content.texts.get(
        "id", "status.not_found", code="PL-9999-9999"
    )


def test_without_a_code_the_tickets_are_listed(make_context: MakeContext) -> None:
    outcome = status.handle(make_context("/status", tickets=TICKETS))

    lines = outcome.replies[0].text.splitlines()
    assert lines[0] == "Laporan Anda di chat ini:"
    assert [line.split(" ")[0] for line in lines[1:]] == ["PL-2345-6789", "PL-ABCD-EFGH"]


def test_the_list_shows_at_most_five(make_context: MakeContext) -> None:
    many = tuple(ticket(f"PL-2222-222{n}") for n in range(2, 10))

    outcome = status.handle(make_context("/status", tickets=many))

    lines = outcome.replies[0].text.splitlines()
    assert len(lines) == 1 + status.LISTED == 6
    assert lines[-1].startswith("PL-2222-2226")


def test_no_tickets(make_context: MakeContext, content: Content) -> None:
    outcome = status.handle(make_context("/status"))

    [reply] = outcome.replies
    # A report made at the office is an officer's to look up; one to make, the report dialog's.
    assert reply.text == content.texts.get(
        "id", "status.none", report="Lapor kejadian", officer="Tanya petugas"
    )
    assert [button.payload for button in reply.buttons] == ["/lapor", "/petugas"]


def test_every_status_has_a_text(make_context: MakeContext) -> None:
    for value in TicketStatus:
        text = (
            status.handle(
                make_context(
                    "PL-2345-6789", language="en", tickets=(ticket("PL-2345-6789", value),)
                )
            )
            .replies[0]
            .text
        )
        assert f"status.{value.value}" not in text
        assert text.startswith("PL-2345-6789 — Incident report: ")


@pytest.mark.parametrize("text", ["kok ga dibales", "min??", "any update?"])
def test_asked_after_a_reply_the_waiting_ticket_with_what_comes_next(
    make_context: MakeContext, content: Content, text: str
) -> None:
    outcome = status.handle(make_context(text, tickets=TICKETS))

    [reply] = outcome.replies
    texts = content.texts
    assert reply.text.splitlines() == [
        texts.get("id", "status.still_waiting"),
        "PL-2345-6789 — Laporan kejadian: sedang ditangani petugas (dibuat 01/01/2026 07:00 WIB)",
        texts.get("id", "status.next_step_waiting", code="PL-2345-6789"),
    ]
    assert [button.payload for button in reply.buttons][:2] == ["/lapor", "/status"]  # the menu


def test_asked_after_a_reply_with_none_waiting_lists_the_tickets(
    make_context: MakeContext, content: Content
) -> None:
    answered = (ticket("PL-2345-6789", TicketStatus.ANSWERED),)

    outcome = status.handle(make_context("kok ga dibales", tickets=answered))

    assert outcome.replies[0].text.splitlines()[0] == content.texts.get("id", "status.header")
