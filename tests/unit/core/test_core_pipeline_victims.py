"""A crime the citizen suffered, read as feedback, starts a report (bot/core/victims.py); a
complaint about how a case is handled stays feedback."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from bot.core.victims import tells_of_a_crime_suffered
from tests.unit.core.pipeline_fakes import Chat, only_text


@pytest.mark.parametrize(
    "text",
    [
        "saya korban tabrak lari kemarin sore",
        "korban tabrak lari, pelaku kabur",
        "ibu saya jadi korban hipnotis di pasar",
        "I was a victim of a hit and run yesterday",
        "my wallet was stolen at the beach, how do i report it",  # asking how to report
        "hp saya dicuri orang di angkot, mau lapor",
        "we got scammed by a fake villa booking",
    ],
)
def test_a_crime_suffered(text: str) -> None:
    assert tells_of_a_crime_suffered(text)


@pytest.mark.parametrize(
    "text",
    [
        "saya korban penipuan, laporan saya ga diproses",  # how the case is handled
        "Hampir setahun kasus tabrak lari ayah saya tidak ada perkembangan, kami keluarga korban",
        "tolong petugas perempuan diperbanyak buat nangani korban pelecehan",
        "terima kasih pak sudah bantu korban kecelakaan",
        "motor saya dicuri, mau lapor tapi ditolak petugas",  # handling beyond the asking
        "my phone was stolen and the police never called back",
    ],
)
def test_no_crime_suffered_told(text: str) -> None:
    assert not tells_of_a_crime_suffered(text)


async def test_a_crime_suffered_read_as_feedback_starts_a_report(
    chat: Chat, content: Content
) -> None:
    text = "saya korban tabrak lari kemarin sore"
    chat.nlu.says(text, "feedback", 0.96)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None  # not a feedback ticket
    assert chat.state is not None
    assert (chat.state.dialog, chat.state.data["what"]) == ("crime_report", text)
    assert only_text(decision) == content.texts.get("id", "report.ask_where")
    assert decision.outcome.needs_review  # the admins' review lists it as overruled


async def test_a_complaint_about_a_case_stays_feedback(chat: Chat) -> None:
    text = "saya korban penipuan, laporan saya ga diproses"
    chat.nlu.says(text, "feedback", 0.9)

    decision = await chat.send(text)

    assert decision.outcome.ticket is not None
    assert decision.outcome.ticket.category.value == "feedback"
