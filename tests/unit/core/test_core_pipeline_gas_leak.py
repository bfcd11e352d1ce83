"""A gas leak is danger now, however the NLU reads it, inside a dialog too, and with the NLU out
of reach; the answer says to get away first and call the fire brigade (bot/core/gas_leak.py)."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from tests.unit.core.pipeline_fakes import Chat, DownNlu, only_text, opens_an_urgent_report


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("gas elpiji bocor di rumah tetangga, baunya nyengat", "faq_nomor_darurat", 0.35),
        ("ada bau gas nyengat di kos kami", "crime_report", 0.9),
    ],
)
async def test_a_gas_leak_read_as_anything_else_is_danger_now(
    chat: Chat, content: Content, text: str, intent: str, confidence: float
) -> None:
    chat.nlu.says(text, intent, confidence)

    decision = await chat.send(text)

    assert opens_an_urgent_report(decision)
    assert only_text(decision) == content.texts.get(
        "id", "emergency.gas", code=decision.ticket_code
    )
    assert "113" in only_text(decision)  # the fire brigade
    assert decision.outcome.needs_review  # the admins' review lists it as overruled


async def test_a_gas_leak_breaks_off_a_dialog_without_the_nlu(chat: Chat) -> None:
    chat.nlu.says("saya mau kasih saran", "feedback", 0.95)
    await chat.send("saya mau kasih saran")
    chat.pipeline.classifier.nlu = DownNlu()

    decision = await chat.send("eh pak tabung gas tetangga bocor, baunya kemana-mana")

    assert opens_an_urgent_report(decision)
    assert chat.state is not None
    assert chat.state.dialog == "emergency"
