"""Thoughts of suicide or self-harm are danger now, however the NLU reads them, inside a dialog
too, and with the NLU out of reach; said of oneself, the answer is where to find someone to talk
to (bot/core/self_harm.py)."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from tests.unit.core.pipeline_fakes import Chat, DownNlu, only_text, opens_an_urgent_report


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("saya mau bunuh diri", "crime_report", 1.0),
        ("aku capek hidup, pengen mati aja", "faq_orang_hilang", 0.18),  # unsure
        ("udah ga kuat hidup, mau mengakhiri hidup aja", "feedback", 0.6),
    ],
)
async def test_self_harm_read_as_anything_else_is_danger_now(
    chat: Chat, content: Content, text: str, intent: str, confidence: float
) -> None:
    chat.nlu.says(text, intent, confidence)

    decision = await chat.send(text)

    assert opens_an_urgent_report(decision)
    assert only_text(decision) == content.texts.get(
        "id", "emergency.self_harm", code=decision.ticket_code
    )
    assert decision.outcome.needs_review  # the admins' review lists it as overruled
    assert decision.classification is not None
    assert decision.classification.intent == intent  # stored as the NLU read it
    followed = await chat.send("saya sendirian di kos")
    assert only_text(followed) == content.texts.get(
        "id", "emergency.self_harm_followup", code=decision.ticket_code
    )


async def test_self_harm_read_as_an_emergency_is_not_overruled(
    english_chat: Chat, content: Content
) -> None:
    english_chat.nlu.says("I want to kill myself tonight", "emergency", 0.9)

    decision = await english_chat.send("I want to kill myself tonight")

    assert opens_an_urgent_report(decision)
    assert only_text(decision) == content.texts.get(
        "en", "emergency.self_harm", code=decision.ticket_code
    )
    assert not decision.outcome.needs_review


async def test_someone_elses_self_harm_gets_the_emergency_answer(
    chat: Chat, content: Content
) -> None:
    text = "teman saya bilang mau bunuh diri, sekarang ga bisa ditelpon"
    chat.nlu.says(text, "faq_nomor_darurat", 0.7)

    decision = await chat.send(text)

    assert opens_an_urgent_report(decision)
    assert only_text(decision) == content.texts.get(
        "id", "emergency.now", code=decision.ticket_code
    )


async def test_self_harm_breaks_off_a_dialog(chat: Chat, content: Content) -> None:
    chat.nlu.says("hp saya dicopet", "crime_report", 0.95)
    await chat.send("hp saya dicopet")
    assert chat.state is not None
    assert chat.state.dialog == "crime_report"

    decision = await chat.send("udah lah, saya pengen mati aja")

    assert opens_an_urgent_report(decision)
    assert only_text(decision) == content.texts.get(
        "id", "emergency.self_harm", code=decision.ticket_code
    )
    assert chat.state is not None
    assert chat.state.dialog == "emergency"


async def test_self_harm_does_not_wait_for_an_nlu_out_of_reach(
    chat: Chat, content: Content
) -> None:
    down = DownNlu()
    chat.pipeline.classifier.nlu = down

    decision = await chat.send("capek hidup, pengen mati aja")

    assert down.calls == ["capek hidup, pengen mati aja"]
    assert opens_an_urgent_report(decision)
    assert only_text(decision) == content.texts.get(
        "id", "emergency.self_harm", code=decision.ticket_code
    )
    assert decision.classification is None
    assert not decision.outcome.needs_review  # nothing read to overrule
