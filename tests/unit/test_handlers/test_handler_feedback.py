from collections.abc import Callable

import pytest

from bot.core.content import Content
from bot.core.handling import Context
from bot.core.types import Category, DialogState
from handlers import feedback

MakeContext = Callable[..., Context]


def test_saran_asks_for_the_feedback(make_context: MakeContext, content: Content) -> None:
    outcome = feedback.handle(make_context("/saran", command="/saran"))

    assert outcome.replies[0].text == content.texts.get("id", "feedback.ask")
    assert outcome.state == DialogState("feedback", "text")
    assert outcome.ticket is None


def test_the_text_after_saran_becomes_a_feedback_ticket(
    make_context: MakeContext, content: Content
) -> None:
    outcome = feedback.handle(
        make_context("petugas SPKT ramah dan cepat", state=DialogState("feedback", "text"))
    )

    ticket = outcome.ticket
    assert ticket is not None
    assert ticket.category is Category.FEEDBACK
    assert not ticket.urgent
    assert ticket.details == {"feedback": "petugas SPKT ramah dan cepat"}
    assert ticket.summary == "petugas SPKT ramah dan cepat"
    assert ticket.intent is None
    assert outcome.state is None
    assert outcome.replies[0].text == content.texts.get(
        "id", "feedback.praise", code="PL-7K3M-Q9XD"
    )


@pytest.mark.parametrize(
    "text",
    [
        "terima kasih pak polisi sudah bantu cari motor saya",
        "Mantap, petugasnya sigap 👍",
        "thank you, the officer was very helpful",
    ],
)
def test_praise_alone_is_thanked_as_praise(
    make_context: MakeContext, content: Content, text: str
) -> None:
    outcome = feedback.handle(make_context(text, intent="feedback", confidence=0.9))

    assert outcome.ticket is not None
    assert outcome.ticket.category is Category.FEEDBACK
    [reply] = outcome.replies
    assert reply.text.startswith("Terima kasih atas apresiasi Anda")


@pytest.mark.parametrize(
    "text",
    [
        "makasih pak, tapi antri SKCK lama banget",
        "pelayanan lambat sekali",
        "petugasnya ramah, mohon ruang tunggu diperbaiki",
        "thanks, but nobody called me back",
    ],
)
def test_a_complaint_or_request_is_feedback_to_act_on(
    make_context: MakeContext, content: Content, text: str
) -> None:
    outcome = feedback.handle(make_context(text, intent="feedback", confidence=0.9))

    [reply] = outcome.replies
    assert reply.text == content.texts.get("id", "feedback.thanks", code="PL-7K3M-Q9XD")


def test_classified_feedback_opens_a_ticket_at_once(make_context: MakeContext) -> None:
    outcome = feedback.handle(
        make_context("pelayanan lambat sekali", intent="feedback", confidence=0.82)
    )

    assert outcome.ticket is not None
    assert (outcome.ticket.intent, outcome.ticket.confidence) == ("feedback", 0.82)
    assert outcome.state is None


def test_an_empty_message_asks_for_words_and_keeps_the_dialog(
    make_context: MakeContext, content: Content
) -> None:
    state = DialogState("feedback", "text")

    outcome = feedback.handle(make_context("   ", state=state))

    assert outcome.ticket is None
    assert outcome.state == state
    assert outcome.replies[0].text == content.texts.get("id", "report.need_text")


def test_english_thanks(make_context: MakeContext) -> None:
    state = DialogState("feedback", "text")
    praise = feedback.handle(make_context("great service", language="en", state=state))
    complaint = feedback.handle(make_context("the queue was slow", language="en", state=state))

    assert praise.replies[0].text.startswith("Thank you for your kind words")
    assert complaint.replies[0].text.startswith("Thank you for your feedback")
