"""The dialogs the dashboard opens: talking to an officer, rating a resolved ticket."""

from collections.abc import Callable

import pytest

from bot.core.handling import Context
from bot.core.handoff import officer_dialog, rating_dialog
from bot.core.types import Location, Media, TicketUpdate
from handlers import officer, rating

MakeContext = Callable[..., Context]
CODE = "PL-AAAA-BBBB"


def test_while_an_officer_holds_the_ticket_the_bot_stays_quiet(make_context: MakeContext) -> None:
    state = officer_dialog(CODE)
    outcome = officer.handle(
        make_context(
            "rumah saya di jalan melati 5",
            state=state,
            location=Location(-7.0, 110.4),
            media=(Media("photo", "f1"),),
        )
    )
    assert outcome.replies == ()
    assert outcome.state == state
    assert outcome.ticket_update == TicketUpdate(
        CODE, location=Location(-7.0, 110.4), media=(Media("photo", "f1"),)
    )


@pytest.mark.parametrize("text", ["bot", "BOT", " Asisten "])
def test_bot_hands_the_citizen_back_to_the_assistant(make_context: MakeContext, text: str) -> None:
    outcome = officer.handle(make_context(text, state=officer_dialog(CODE)))
    [reply] = outcome.replies
    assert CODE in reply.text
    assert reply.buttons
    assert outcome.state is None
    assert outcome.ticket_update is None


def test_a_score_rates_the_ticket(make_context: MakeContext) -> None:
    outcome = rating.handle(make_context("4", state=rating_dialog(CODE), language="en"))
    [reply] = outcome.replies
    assert "4/5" in reply.text
    assert reply.text.startswith("Thank you")
    assert outcome.ticket_update == TicketUpdate(CODE, rating=4)
    assert outcome.state is None


@pytest.mark.parametrize("text", ["0", "6", "bagus sekali", "syarat SKCK apa?"])
def test_anything_but_a_score_is_answered_as_a_new_message(
    make_context: MakeContext, text: str
) -> None:
    outcome = rating.handle(make_context(text, state=rating_dialog(CODE)))
    assert outcome.reroute
    assert outcome.ticket_update is None


def test_danger_now_gets_110_and_makes_the_ticket_urgent(make_context: MakeContext) -> None:
    context = make_context(
        "tolong dia datang lagi bawa parang",
        state=officer_dialog(CODE),
        intent="emergency",
        confidence=0.7,
    )
    outcome = officer.handle(context)
    [reply] = outcome.replies
    assert "110" in reply.text
    assert CODE in reply.text
    assert outcome.ticket_update == TicketUpdate(CODE, urgent=True)
    assert outcome.state == officer_dialog(CODE)
