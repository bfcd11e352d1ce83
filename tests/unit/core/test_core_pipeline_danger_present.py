"""Danger said of now is an emergency, however calmly the NLU reads it: a safety-net word and a
word of now ("pelakunya masih di ujung gang"), no earlier day, and nothing saying it is over."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from tests.unit.core.pipeline_fakes import Chat, opens_an_urgent_report


@pytest.mark.parametrize(
    ("text", "confidence"),
    [
        ("ada yg lempar molotov ke rumah warga, api udh gede, pelakunya masih di ujung gang", 0.98),
        ("begal lagi ngejar sy, sy di jalan raya dekat pom bensin", 0.9),
        ("there's a guy with a knife in the lobby right now", 0.3),  # unsure: a question back
        # running amok
        ("ada orang gila ngamuk bawa golok di pasar, orang-orang lari, satu sudah luka", 0.98),
        # hiding from it
        ("ada penembakan di dekat kantor kami, terdengar tembakan, kami berlindung di dalam", 0.7),
    ],
)
async def test_danger_said_of_now_read_as_a_report_is_an_emergency(
    chat: Chat, content: Content, text: str, confidence: float
) -> None:
    chat.nlu.says(text, "crime_report", confidence)

    decision = await chat.send(text)

    assert opens_an_urgent_report(decision)
    code = decision.ticket_code
    assert decision.outcome.replies[0].text == content.texts.get(
        chat.language, "emergency.now", code=code
    )
    assert decision.outcome.needs_review  # the admins' review lists it as overruled
    assert decision.classification is not None
    assert decision.classification.intent == "crime_report"  # stored as the NLU read it


@pytest.mark.parametrize(
    "text",
    [
        "waktu kejadian ada yang bawa golok, tapi sekarang sudah pergi",  # over
        "saya dipukuli preman kemarin malam, sekarang masih di rumah sakit",  # an earlier day
        "sy dapet wa ancaman mau dibunuh dari mantan suami, sy takut bgt pak",  # fear, not now
        "motor saya dicuri di parkiran pasar, sekarang mau lapor",  # no danger word
    ],
)
async def test_a_report_of_danger_not_present_stays_a_report(
    chat: Chat, content: Content, text: str
) -> None:
    chat.nlu.says(text, "crime_report", 0.95)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None  # the report is being made
    assert not decision.outcome.needs_review
    assert chat.state is not None
    assert chat.state.dialog == "crime_report"


async def test_a_question_about_the_emergency_number_stays_a_question(chat: Chat) -> None:
    text = "nomor darurat polisi sekarang berapa ya"
    chat.nlu.says(text, "faq_nomor_darurat", 0.95)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None
    assert not decision.outcome.needs_review
