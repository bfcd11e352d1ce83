"""A wish to report, read as how to make a police report, starts the report here
(bot/core/report_wish.py); the procedure asked stays the FAQ's answer."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from bot.core.report_wish import names_only_the_kind, wants_to_report
from tests.unit.core.pipeline_fakes import Chat, only_text


@pytest.mark.parametrize(
    "text",
    [
        "saya mau lapor pencurian",
        "Selamat pagi pak, saya ingin melaporkan tetangga saya yang kdrt",
        "mau lapor penipuan",
        "I want to report a theft",
        "i would like to report a robbery, my bag was taken at the station",
    ],
)
def test_a_wish_to_report(text: str) -> None:
    assert wants_to_report(text)


@pytest.mark.parametrize(
    "text",
    [
        "mau lapor kasus pencurian motor, prosedurnya gimana",  # the procedure asked
        "kalau mau lapor penganiayaan, visum dulu?",  # a case put
        "mau lapor ke polisi bawa apa aja",
        "where do I report a theft?",
        "gimana caranya ngelaporin pungli",  # no lead
        "pencurian motor tadi malam",  # no lead, asking nothing
    ],
)
def test_no_wish_to_report(text: str) -> None:
    assert not wants_to_report(text)


def test_only_a_kind_of_crime_named() -> None:
    assert names_only_the_kind("saya mau lapor pencurian")
    assert names_only_the_kind("I want to report a theft")
    assert names_only_the_kind("Selamat pagi pak, saya ingin melaporkan pencurian")
    assert not names_only_the_kind("saya mau lapor, motor saya dicuri tadi malam di pasar")
    assert not names_only_the_kind("pencurian motor tadi malam, saya mau lapor")  # told first


async def test_a_wish_to_report_read_as_the_procedure_asks_what_happened(
    chat: Chat, content: Content
) -> None:
    text = "saya mau lapor pencurian"
    chat.nlu.says(text, "faq_prosedur_laporan", 0.96)

    decision = await chat.send(text)

    assert chat.state is not None
    assert (chat.state.dialog, chat.state.step) == ("crime_report", "what")
    assert only_text(decision) == content.texts.get("id", "report.ask_what")
    assert decision.outcome.needs_review  # the admins' review lists it as overruled


async def test_a_wish_to_report_read_unsurely_asks_what_happened(chat: Chat) -> None:
    text = "saya ingin melaporkan kasus penganiayaan"
    chat.nlu.says(text, "faq_prosedur_laporan", 0.4)  # below the threshold: unsure

    await chat.send(text)

    assert chat.state is not None
    assert (chat.state.dialog, chat.state.step) == ("crime_report", "what")


async def test_a_wish_telling_what_happened_asks_where(chat: Chat, content: Content) -> None:
    text = "mau lapor penipuan, penjual di marketplace ga kirim barang padahal sudah transfer"
    chat.nlu.says(text, "faq_penipuan_online", 0.9)

    decision = await chat.send(text)

    assert chat.state is not None
    assert (chat.state.step, chat.state.data["what"]) == ("where", text)
    assert only_text(decision) == content.texts.get("id", "report.ask_where_online")


async def test_the_procedure_asked_stays_the_answer(chat: Chat, content: Content) -> None:
    text = "mau lapor ke polisi bawa apa aja"
    chat.nlu.says(text, "faq_prosedur_laporan", 0.95)

    decision = await chat.send(text)

    assert chat.state is None
    assert not decision.outcome.needs_review
