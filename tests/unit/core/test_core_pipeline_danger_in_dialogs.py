"""Danger now inside a dialog: a report's or feedback's answer that is an emergency gets 110/112
at once and an urgent ticket, not the dialog's next question — when the NLU is sure
(nlu.dialog_emergency_threshold) and the text says "now" (data/emergency_keywords.yml)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bot.core.router import NluRules
from bot.core.types import Category
from tests.unit.core.pipeline_fakes import Chat, DownNlu, only_text

DANGER = "tolong ada perampok bawa golok masuk rumah saya sekarang"


@pytest.mark.parametrize("command", ["/lapor", "/saran"])
async def test_danger_now_breaks_off_a_dialog_with_110_112_and_an_urgent_ticket(
    chat: Chat, priorities: Mapping[str, int], command: str
) -> None:
    await chat.send(command)
    assert chat.state is not None
    chat.nlu.says(DANGER, "emergency", 0.97)

    decision = await chat.send(DANGER)

    first = decision.outcome.replies[0].text
    assert "110" in first
    assert "112" in first
    ticket = decision.outcome.ticket
    assert ticket is not None
    assert ticket.urgent
    assert ticket.category is Category.CRIME_REPORT
    assert ticket.details["what"] == DANGER
    assert decision.ticket_priority == priorities["urgent"]
    assert decision.classification is not None
    assert decision.classification.intent == "emergency"  # stored with the message
    assert chat.state is not None
    assert chat.state.dialog == "emergency"  # later messages join the urgent ticket


async def test_an_answer_below_the_dialog_threshold_stays_in_the_dialog(
    chat: Chat, nlu_rules: NluRules
) -> None:
    what = "pelakunya bawa pisau waktu itu"
    confidence = 0.6
    assert nlu_rules.emergency_threshold <= confidence < nlu_rules.dialog_emergency_threshold
    await chat.send("/lapor")
    chat.nlu.says(what, "emergency", confidence)

    decision = await chat.send(what)

    assert decision.outcome.ticket is None
    assert decision.classification is None
    assert chat.state is not None
    assert (chat.state.dialog, chat.state.step) == ("crime_report", "where")
    assert chat.state.data["what"] == what


@pytest.mark.parametrize("place", ["pasar baru, jl merdeka", "suami dipukuli tadi pagi"])
async def test_an_urgent_answer_without_words_of_now_stays_in_the_dialog(
    chat: Chat, place: str
) -> None:
    """The NLU alone is sure of an emergency in a report's place or a past beating."""
    chat.nlu.says("motor saya dicuri", "crime_report", 0.95)
    await chat.send("motor saya dicuri")
    chat.nlu.says(place, "emergency", 0.94)

    decision = await chat.send(place)

    assert decision.outcome.ticket is None
    assert chat.state is not None
    assert (chat.state.dialog, chat.state.step) == ("crime_report", "when")


async def test_a_dialogs_answer_does_not_wait_for_an_unreachable_nlu(chat: Chat) -> None:
    await chat.send("/lapor")
    chat.pipeline.classifier.nlu = chat.nlu = DownNlu()

    await chat.send("motor saya hilang di parkiran")

    assert chat.nlu.calls == ["motor saya hilang di parkiran"]
    assert chat.state is not None
    assert chat.state.step == "where"


async def test_danger_after_an_emergency_joins_its_ticket(chat: Chat) -> None:
    chat.nlu.says(DANGER, "emergency", 0.97)
    opened = await chat.send(DANGER)
    again = "mereka masih di dalam rumah sekarang, tolong cepat"
    chat.nlu.says(again, "emergency", 0.95)

    decision = await chat.send(again)

    assert decision.outcome.ticket is None
    update = decision.outcome.ticket_update
    assert update is not None
    assert update.code == opened.ticket_code
    assert opened.ticket_code in only_text(decision)
