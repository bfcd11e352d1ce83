"""Asked after a reply while a ticket waits for an officer ("kok ga dibales", "min??"): the
ticket's status and what comes next, not a question back or the welcome (router.is_nudge)."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from bot.core.ports import Decision
from tests.unit.core.pipeline_fakes import Chat, DownNlu, only_text, opens_an_urgent_report

QUESTION = "bisa minta pengawalan untuk iring2an jenazah?"


async def asked_an_officer(chat: Chat) -> str:
    chat.nlu.says(QUESTION, "question_other", 0.95)
    decision = await chat.send(QUESTION)
    assert decision.outcome.ticket is not None
    return decision.ticket_code


def tells_it_still_waits(decision: Decision, content: Content, code: str) -> bool:
    text = only_text(decision)
    return text.startswith(content.texts.get("id", "status.still_waiting")) and code in text


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("kok ga dibales", "smalltalk", 0.3),  # unsure: a question back
        ("gimana pak, ada jawaban?", "cek_status", 0.45),
        ("lama banget sih", "feedback", 0.7),
        ("min??", "greet", 1.0),  # a salutation: the welcome
    ],
)
async def test_asked_after_a_reply_the_waiting_ticket_is_told(
    chat: Chat, content: Content, text: str, intent: str, confidence: float
) -> None:
    code = await asked_an_officer(chat)
    chat.nlu.says(text, intent, confidence)

    decision = await chat.send(text)

    assert tells_it_still_waits(decision, content, code)
    assert decision.outcome.ticket is None  # no feedback ticket for "lama banget sih"
    assert not decision.outcome.needs_review


async def test_without_a_waiting_ticket_a_nudge_is_read_as_usual(
    chat: Chat, content: Content
) -> None:
    decision = await chat.send("min??")

    assert only_text(decision).startswith(content.texts.get("id", "smalltalk.greet"))


async def test_a_nudge_does_not_wait_for_an_nlu_out_of_reach(chat: Chat, content: Content) -> None:
    code = await asked_an_officer(chat)
    chat.pipeline.classifier.nlu = DownNlu()

    decision = await chat.send("kok belum dijawab juga")

    assert tells_it_still_waits(decision, content, code)


async def test_danger_said_in_a_nudge_is_still_danger_now(chat: Chat) -> None:
    await asked_an_officer(chat)
    text = "kok ga dibales, malingnya masih di rumah"
    chat.nlu.says(text, "emergency", 0.9)

    decision = await chat.send(text)

    assert opens_an_urgent_report(decision)
