"""A body found is danger now, however the NLU reads it, inside a dialog too, and with the NLU
out of reach; the answer says to leave the place as it is (bot/core/found_body.py)."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from tests.unit.core.pipeline_fakes import Chat, DownNlu, only_text, opens_an_urgent_report


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("mayat ditemukan di sungai belakang desa", "question_other", 0.93),
        ("ada mayat mengapung di waduk", "faq_pengaduan_petugas", 0.97),
        ("ada mayat di kebun pak", "crime_report", 1.0),
        ("nemu jenazah bayi di selokan", "feedback", 0.4),  # unsure
    ],
)
async def test_a_body_found_read_as_anything_else_is_danger_now(
    chat: Chat, content: Content, text: str, intent: str, confidence: float
) -> None:
    chat.nlu.says(text, intent, confidence)

    decision = await chat.send(text)

    assert opens_an_urgent_report(decision)
    assert only_text(decision) == content.texts.get(
        "id", "emergency.body", code=decision.ticket_code
    )
    assert decision.outcome.needs_review  # the admins' review lists it as overruled
    followed = await chat.send("di belakang balai desa")
    assert only_text(followed) == content.texts.get(
        "id", "emergency.followup", code=decision.ticket_code
    )


async def test_a_body_found_read_as_an_emergency_gets_the_answer_for_it(
    english_chat: Chat, content: Content
) -> None:
    english_chat.nlu.says("found a dead body near the river", "emergency", 0.6)

    decision = await english_chat.send("found a dead body near the river")

    assert opens_an_urgent_report(decision)
    assert only_text(decision) == content.texts.get(
        "en", "emergency.body", code=decision.ticket_code
    )
    assert not decision.outcome.needs_review


async def test_a_case_put_is_answered_as_read(chat: Chat) -> None:
    text = "kalau menemukan mayat harus lapor kemana"
    chat.nlu.says(text, "faq_prosedur_laporan", 0.85)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None
    assert only_text(decision).startswith("Laporan polisi dibuat di SPKT")  # where to report


async def test_a_body_found_breaks_off_a_dialog(chat: Chat, content: Content) -> None:
    chat.nlu.says("saya mau kasih saran", "feedback", 0.95)
    await chat.send("saya mau kasih saran")
    assert chat.state is not None
    assert chat.state.dialog == "feedback"

    decision = await chat.send("eh pak ada mayat di depan rumah saya")

    assert opens_an_urgent_report(decision)
    assert chat.state is not None
    assert chat.state.dialog == "emergency"


async def test_a_body_found_does_not_wait_for_an_nlu_out_of_reach(chat: Chat) -> None:
    chat.pipeline.classifier.nlu = DownNlu()

    decision = await chat.send("ada mayat mengapung di waduk")

    assert opens_an_urgent_report(decision)
    assert decision.classification is None
