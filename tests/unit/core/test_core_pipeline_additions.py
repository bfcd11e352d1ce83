"""A report or feedback sent soon after a ticket that no officer has answered joins that ticket
("oh iya, pelakunya pakai jaket merah"; a complaint sent in parts) instead of opening another."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.content import Content
from bot.core.pipeline import FOLLOW_UP_WINDOW
from bot.core.types import Category, Location, Media, TicketStatus
from tests.unit.core.pipeline_fakes import Chat, only_text, payloads, report_theft

DETAIL = "oh iya pelakunya pake jaket merah, tinggi kurus"
COMPLAINT = "pelayanan di satpas lambat bgt, antri 4 jam"
MORE = "ga ada yg ngatur antrian"


@pytest.fixture(autouse=True)
def script(chat: Chat) -> None:
    chat.nlu.says(DETAIL, "feedback", 0.81)  # as the real model reads it
    chat.nlu.says(COMPLAINT, "feedback", 0.97)
    chat.nlu.says(MORE, "feedback", 0.88)
    chat.nlu.says("motor sy juga dicuri di rumah", "crime_report", 0.95)
    chat.nlu.says("berapa biaya skck", "faq_skck", 0.98)


def added(content: Content, kind: str, code: str, language: str = "id") -> str:
    """The reply to an addition to ticket `code` of `kind` ("report", "feedback")."""
    button = content.texts.get(language, f"button.{kind}")
    return content.texts.get(language, f"addition.{kind}", code=code, button=button)


def citizens_tickets(chat: Chat) -> list[tuple[str, Category]]:
    [tickets] = chat.inbox.tickets.values()
    return [(ticket.code, ticket.category) for ticket in tickets]


async def test_a_detail_after_a_report_joins_the_report(chat: Chat, content: Content) -> None:
    code = await report_theft(chat)

    decision = await chat.send(DETAIL)

    assert decision.outcome.ticket is None
    update = decision.outcome.ticket_update
    assert update is not None
    assert (update.code, update.note, update.urgent) == (code, DETAIL, False)
    assert only_text(decision) == added(content, "report", code)
    assert payloads(decision) == ["/lapor"]  # another incident: a report of its own
    assert chat.state is None
    assert citizens_tickets(chat) == [(code, Category.CRIME_REPORT)]


async def test_a_crime_read_by_the_nlu_after_a_report_joins_it(chat: Chat) -> None:
    code = await report_theft(chat)

    decision = await chat.send("motor sy juga dicuri di rumah")

    assert decision.outcome.ticket_update is not None
    assert decision.outcome.ticket_update.code == code
    assert chat.state is None  # no new report dialog


async def test_feedback_sent_in_parts_is_one_ticket(chat: Chat, content: Content) -> None:
    first = await chat.send(COMPLAINT)
    code = first.ticket_code
    await chat.send("berapa biaya skck")  # a question between the parts

    decision = await chat.send(MORE)

    update = decision.outcome.ticket_update
    assert update is not None
    assert (update.code, update.note) == (code, MORE)
    assert only_text(decision) == added(content, "feedback", code)
    assert payloads(decision) == ["/saran"]
    assert citizens_tickets(chat) == [(code, Category.FEEDBACK)]


async def test_a_crime_after_feedback_is_a_report_of_its_own(chat: Chat, content: Content) -> None:
    await chat.send(COMPLAINT)

    decision = await chat.send("motor sy juga dicuri di rumah")

    assert decision.outcome.ticket_update is None
    assert only_text(decision) == content.texts.get(
        "id", "report.ask_where_exactly", place="di rumah"
    )
    assert chat.state is not None
    assert chat.state.dialog == "crime_report"


async def test_a_command_starts_afresh(chat: Chat, content: Content) -> None:
    await chat.send(COMPLAINT)
    assert only_text(await chat.send("/saran")) == content.texts.get("id", "feedback.ask")

    decision = await chat.send(MORE)

    assert decision.outcome.ticket is not None
    assert decision.outcome.ticket_update is None
    assert len(citizens_tickets(chat)) == 2


@pytest.mark.parametrize("status", [TicketStatus.ANSWERED, TicketStatus.RESOLVED])
async def test_a_ticket_an_officer_answered_is_not_added_to(
    chat: Chat, status: TicketStatus
) -> None:
    await chat.send(COMPLAINT)
    [ticket] = chat.inbox.tickets[1]
    chat.inbox.tickets[1] = [replace(ticket, status=status)]

    decision = await chat.send(MORE)

    assert decision.outcome.ticket is not None
    assert decision.outcome.ticket_update is None


async def test_a_ticket_made_long_ago_is_not_added_to(chat: Chat) -> None:
    await chat.send(COMPLAINT)
    [ticket] = chat.inbox.tickets[1]
    chat.inbox.tickets[1] = [replace(ticket, created_at=ticket.created_at - FOLLOW_UP_WINDOW * 2)]

    decision = await chat.send(MORE)

    assert decision.outcome.ticket is not None
    assert decision.outcome.ticket_update is None


@pytest.mark.parametrize(
    ("text", "confidence"),
    [
        ("TOLONG pelakunya balik lagi sekarang bawa golok", 0.97),
        ("pak malingnya masih di sekitar rumah", 0.45),  # unsure, but in words of now
    ],
)
async def test_danger_now_after_a_report_is_still_an_emergency(
    chat: Chat, text: str, confidence: float
) -> None:
    await report_theft(chat)
    chat.nlu.says(text, "emergency", confidence)

    decision = await chat.send(text)

    assert decision.outcome.ticket is not None
    assert decision.outcome.ticket.urgent
    assert "110" in decision.outcome.replies[0].text


async def test_english_additions_are_answered_in_english(
    english_chat: Chat, content: Content
) -> None:
    text = "the thief wore a red jacket and was tall and thin"
    english_chat.nlu.says("my wallet was stolen at the bus terminal", "crime_report", 0.95)
    english_chat.nlu.says(text, "crime_report", 0.9)
    await english_chat.send("my wallet was stolen at the bus terminal")
    for answer in ("Kampung Rambutan terminal", "this morning", "/lewati", "/tidak"):
        await english_chat.send(answer)
    code = (await english_chat.send("/kirim")).ticket_code

    decision = await english_chat.send(text)

    assert only_text(decision) == added(content, "report", code, language="en")


async def test_a_description_read_as_an_emergency_joins_the_report(
    chat: Chat, content: Content
) -> None:
    code = await report_theft(chat)
    chat.nlu.says("orangnya pakai jaket merah", "emergency", 0.97)  # as the real model reads it

    decision = await chat.send("orangnya pakai jaket merah")

    assert decision.outcome.ticket is None
    update = decision.outcome.ticket_update
    assert update is not None
    assert (update.code, update.urgent) == (code, False)
    danger = content.texts.get("id", "emergency.if_danger")
    assert only_text(decision) == f"{added(content, 'report', code)}\n{danger}"
    assert decision.ticket_priority is None
    assert decision.outcome.needs_review  # the NLU's reading was overruled: for the review


async def test_a_description_read_as_an_emergency_after_feedback_is_an_emergency(
    chat: Chat,
) -> None:
    await chat.send(COMPLAINT)
    chat.nlu.says("orangnya pakai jaket merah", "emergency", 0.97)

    decision = await chat.send("orangnya pakai jaket merah")

    assert decision.outcome.ticket is not None
    assert decision.outcome.ticket.urgent
    assert not decision.outcome.needs_review


async def test_chosen_as_a_report_at_the_question_it_joins_the_report(
    chat: Chat, content: Content
) -> None:
    code = await report_theft(chat)
    chat.nlu.says("oh iya dia lari ke arah pasar", "feedback", 0.32)  # unsure: the bot asks
    asked = await chat.send("oh iya dia lari ke arah pasar")
    assert only_text(asked) == content.texts.get("id", "clarify.ask")

    decision = await chat.send("/pilih crime_report")

    update = decision.outcome.ticket_update
    assert update is not None
    assert (update.code, update.note) == (code, "oh iya dia lari ke arah pasar")
    assert decision.outcome.ticket is None
    assert chat.state is None


async def test_a_photo_or_location_without_words_joins_the_report(
    chat: Chat, content: Content
) -> None:
    code = await report_theft(chat)
    photo = Media("photo", "file-of-the-culprit")
    place = Location(-6.3, 106.88)

    by_photo = await chat.send(media=(photo,))
    by_location = await chat.send(location=place)

    assert by_photo.outcome.ticket_update is not None
    assert (by_photo.outcome.ticket_update.code, by_photo.outcome.ticket_update.media) == (
        code,
        (photo,),
    )
    assert by_location.outcome.ticket_update is not None
    assert by_location.outcome.ticket_update.location == place
    assert only_text(by_photo) == added(content, "report", code)


async def test_a_photo_with_no_ticket_lately_starts_a_report_with_it(
    chat: Chat, content: Content
) -> None:
    texts = content.texts
    decision = await chat.send(media=(Media("photo", "file-1"),))

    assert decision.outcome.ticket_update is None
    assert only_text(decision) == (
        f"{texts.get('id', 'report.attachment_received')}\n{texts.get('id', 'report.ask_what')}"
    )
    assert chat.state is not None
    assert chat.state.data == {"photos": [{"kind": "photo", "ref": "file-1"}]}


async def test_a_location_with_no_ticket_lately_starts_a_report_at_it(
    chat: Chat, content: Content
) -> None:
    texts = content.texts
    place = Location(-6.2, 106.8)
    await chat.send(location=place)

    asked = await chat.send("ada orang mabuk bikin onar")

    assert only_text(asked) == texts.get("id", "report.ask_where_shared")
    assert payloads(asked) == ["/lewati"]
    enough = await chat.send("/lewati")
    assert enough.outcome.replies[0].text.startswith(texts.get("id", "report.ask_when"))
    assert chat.state is not None
    assert (chat.state.data["latitude"], chat.state.data["longitude"]) == (-6.2, 106.8)


async def test_an_empty_message_after_a_report_gets_the_fallback(
    chat: Chat, content: Content
) -> None:
    await report_theft(chat)

    decision = await chat.send()

    assert decision.outcome.ticket_update is None
    assert content.texts.get("id", "fallback.text") in only_text(decision)
