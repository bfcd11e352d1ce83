"""An officer asking for money, read as another question, a report to make or unsure, gets the
answer on complaining about an officer (bot/core/extortion.py); read as feedback it stays a
complaint, and someone posing as police is a scam."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from bot.core.extortion import tells_of_an_officer_asking_money
from tests.unit.core.pipeline_fakes import Chat


@pytest.mark.parametrize(
    "text",
    [
        "polisi minta duit biar ga ditilang",
        "pas razia dimintai uang 200rb sama oknum polisi",
        "the police stopped me and asked for 1 million rupiah cash, is this legal?",
    ],
)
def test_an_officer_asking_for_money(text: str) -> None:
    assert tells_of_an_officer_asking_money(text)


@pytest.mark.parametrize(
    "text",
    [
        "ada yang ngaku polisi nelpon minta uang",  # posing as police: a scam
        "preman minta uang di lampu merah",  # no officer
        "polisi minta uang tilang dibayar di bri",  # a fine paid at a bank
    ],
)
def test_no_officer_asking_for_money(text: str) -> None:
    assert not tells_of_an_officer_asking_money(text)


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("polisi minta duit biar ga ditilang", "faq_tilang", 0.9),
        ("pas razia dimintai uang 200rb sama oknum polisi", "feedback", 0.44),  # unsure
        ("the police stopped me and asked for 1 million rupiah cash", "crime_report", 1.0),
    ],
)
async def test_read_otherwise_it_gets_the_answer_on_complaining(
    chat: Chat, content: Content, text: str, intent: str, confidence: float
) -> None:
    chat.nlu.says(text, intent, confidence)

    decision = await chat.send(text)

    [reply] = decision.outcome.replies
    answer = content.faq_answer("pengaduan_petugas", chat.language).strip()
    assert reply.text.startswith(answer)
    assert "/saran" in [button.payload for button in reply.buttons]  # to file it here
    assert decision.outcome.needs_review  # the admins' review lists it as overruled


async def test_read_as_feedback_it_stays_a_complaint(chat: Chat) -> None:
    text = "petugas satlantas minta uang rokok pas saya bikin sim"
    chat.nlu.says(text, "feedback", 0.85)

    decision = await chat.send(text)

    assert decision.outcome.ticket is not None
    assert decision.outcome.ticket.category.value == "feedback"
