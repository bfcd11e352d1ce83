"""A question whether a rumour is true goes to an officer, however the NLU reads the crime it
names (bot/core/rumours.py); in words of now or help it stays danger now."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from bot.core.rumours import asks_if_a_rumour_is_true
from bot.core.types import Category
from tests.unit.core.pipeline_fakes import Chat, opens_an_urgent_report


@pytest.mark.parametrize(
    "text",
    [
        "apakah benar ada penculikan anak di daerah sini?",
        "ada grup wa nyebar hoax soal penculikan anak, bener ga sih?",
        "katanya ada begal di jalan lingkar?",  # a rumour asked about
        "is it true there was a shooting at the mall",
    ],
)
def test_a_rumour_asked_about(text: str) -> None:
    assert asks_if_a_rumour_is_true(text)


@pytest.mark.parametrize(
    "text",
    [
        "katanya ada begal di jalan lingkar",  # told, not asked
        "ada penculikan anak di depan sd, pelakunya naik mobil putih",
        "kenapa polisi belum datang?",
    ],
)
def test_no_rumour_asked_about(text: str) -> None:
    assert not asks_if_a_rumour_is_true(text)


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("apakah benar ada penculikan anak di daerah sini?", "emergency", 0.88),
        ("katanya ada begal di jalan lingkar, bener ga pak?", "crime_report", 1.0),
        ("is it true there was a shooting at the mall?", "emergency", 0.41),
    ],
)
async def test_a_rumour_asked_about_goes_to_an_officer(
    chat: Chat, content: Content, text: str, intent: str, confidence: float
) -> None:
    chat.nlu.says(text, intent, confidence)

    decision = await chat.send(text)

    ticket = decision.outcome.ticket
    assert ticket is not None
    assert (ticket.category, ticket.urgent) == (Category.QUESTION, False)
    assert decision.outcome.needs_review  # the admins' review lists it as overruled


async def test_a_rumour_asked_about_in_words_of_now_is_danger_now(chat: Chat) -> None:
    text = "tolong, apakah benar ada penculikan anak di sekolah sekarang?"
    chat.nlu.says(text, "emergency", 0.9)

    decision = await chat.send(text)

    assert opens_an_urgent_report(decision)
