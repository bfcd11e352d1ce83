"""Someone gone missing is danger now, however calmly the NLU reads it: it takes "anak sy blm
pulang dari kemarin" for a question about a report, "anak saya hilang di pasar" for the loss
letter. The procedure asked in no words of now gets its answer, whatever question it is read as."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from tests.unit.core.pipeline_fakes import Chat, opens_an_urgent_report


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("anak sy blm pulang dari kemarin, hp mati", "cek_status", 0.96),
        ("adik sy ga pulang dari semalam", "crime_report", 0.99),
        ("adik saya belum pulang sejak kemarin, hp nya ga aktif", "feedback", 0.3),  # unsure
        (
            "anak perempuan saya tidak pulang sejak bubaran sekolah, 6 jam tidak bisa dihubungi",
            "feedback",
            0.87,
        ),
        ("anak sy blm pulang, hpnya ga aktif, tolong dibantu", "question_other", 0.8),
        ("anak saya hilang di pasar", "faq_surat_kehilangan", 0.9),  # a letter for a thing lost
        ("anak saya hilang di pasar", "faq_orang_hilang", 0.8),  # the procedure, not asked
        ("tolong anak saya hilang, gimana ini", "faq_orang_hilang", 0.8),  # asked, but now
        ("ANAK SAYA HILANG", "emergency", 0.2),  # urgent, unsure
        ("anak sy blm pulang dari semalam, lapornya kemana?", "crime_report", 0.9),  # a report
    ],
)
async def test_someone_not_come_home_is_an_emergency(
    chat: Chat, content: Content, text: str, intent: str, confidence: float
) -> None:
    chat.nlu.says(text, intent, confidence)

    decision = await chat.send(text)

    assert opens_an_urgent_report(decision)
    code = decision.ticket_code
    assert decision.outcome.replies[0].text.startswith(
        content.texts.get("id", "emergency.missing", code=code)
    )
    assert decision.outcome.needs_review  # the admins' review lists it as overruled
    assert chat.state is not None
    assert chat.state.dialog == "emergency"


@pytest.mark.parametrize(
    ("text", "intent", "handler_reply"),
    [
        # the procedure, asked: the FAQ answer, which says to call 110 for a child missing now
        ("suami saya ga pulang2 udah 3 hari, lapor kemana?", "faq_orang_hilang", None),
        ("kalau lansia hilang caranya lapor gimana", "faq_orang_hilang", None),
        ("motor anak saya hilang dicuri", "crime_report", "report.ask_where"),  # a thing
    ],
)
async def test_a_question_or_a_thing_lost_stays_as_read(
    chat: Chat, content: Content, text: str, intent: str, handler_reply: str | None
) -> None:
    chat.nlu.says(text, intent, 0.95)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None
    assert not decision.outcome.needs_review
    if handler_reply is not None:
        assert decision.outcome.replies[0].text == content.texts.get("id", handler_reply)


@pytest.mark.parametrize(
    ("intent", "confidence"),
    [
        ("faq_prosedur_laporan", 0.9),  # how to make a police report
        ("faq_prosedur_laporan", 0.32),  # unsure: a question back
        ("question_other", 0.8),  # an officer's question
        ("feedback", 0.7),
    ],
)
async def test_the_procedure_asked_but_read_as_another_question_gets_its_answer(
    chat: Chat, content: Content, intent: str, confidence: float
) -> None:
    text = "kalo misal anak remaja kabur dari rumah, prosedur lapornya gmn?"
    chat.nlu.says(text, intent, confidence)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None
    reply = decision.outcome.replies[0].text
    assert reply.startswith(content.faq_answer("orang_hilang", "id").strip())
    assert decision.outcome.needs_review  # the admins' review lists it as overruled
    assert decision.classification is not None
    assert decision.classification.intent == intent  # stored as the NLU read it


@pytest.mark.parametrize(
    "text", ["saya wna, paspor saya hilang", "ijazah adik saya hilang waktu pindahan"]
)
async def test_a_thing_lost_read_as_the_missing_person_procedure_gets_the_loss_letter(
    chat: Chat, content: Content, text: str
) -> None:
    chat.nlu.says(text, "faq_orang_hilang", 0.73)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None
    reply = decision.outcome.replies[0].text
    assert reply.startswith(content.faq_answer("surat_kehilangan", "id").strip())
    assert decision.outcome.needs_review  # the admins' review lists it as overruled
