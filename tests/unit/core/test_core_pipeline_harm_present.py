"""People hurt in an accident (or stranded in a disaster), and perils such as a fire or someone
drowning, are danger now, however calmly the NLU reads the message: a word
of an accident and one of harm, no earlier day, no care already given, no case put or paperwork
asked about (data/emergency_keywords.yml)."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from tests.unit.core.pipeline_fakes import Chat, opens_an_urgent_report


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("ada kecelakaan beruntun di tol km 12 banyak korban", "faq_nomor_darurat", 0.9),
        ("ada pohon tumbang nimpa mobil di jalan raya, ada orang kejepit", "crime_report", 0.95),
        ("truk nabrak warung, ada yang tertimbun", "feedback", 0.7),
        ("bapak saya korban tabrak lari, lukanya parah, pelakunya kabur", "feedback", 0.8),
        ("motor nabrak pejalan kaki di depan pasar, korbannya pingsan", "question_other", 0.6),
        ("there's been a crash on the bypass, a man is bleeding", "crime_report", 0.4),  # unsure
        # stranded in a disaster
        (
            "banjir di perumahan kami, air sudah sepinggang, ada lansia belum dievakuasi",
            "feedback",
            0.8,
        ),
        ("flooding in our street, a family is stranded on the roof", "question_other", 0.7),
        # a peril, hurt or not yet
        ("ada kebakaran di pasar, apinya gede", "follow_up_question", 0.6),
        ("ada orang tenggelam di sungai", "question_other", 0.8),
        ("anak kecil jatuh ke sumur", "crime_report", 0.3),  # unsure
    ],
)
async def test_people_hurt_in_an_accident_read_calmly_is_an_emergency(
    chat: Chat, content: Content, text: str, intent: str, confidence: float
) -> None:
    chat.nlu.says(text, intent, confidence)

    decision = await chat.send(text)

    assert opens_an_urgent_report(decision)
    assert decision.outcome.replies[0].text == content.texts.get(
        chat.language, "emergency.now", code=decision.ticket_code
    )
    assert decision.outcome.needs_review  # the admins' review lists it as overruled
    assert decision.classification is not None
    assert decision.classification.intent == intent  # stored as the NLU read it


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # a case put
        (
            "kalau lihat kecelakaan dan ada korban luka, harus telpon nomor berapa?",
            "faq_nomor_darurat",
        ),
        # paperwork
        ("klaim asuransi korban kecelakaan yang meninggal gimana", "question_other"),
        # an earlier day
        ("ayah saya ditabrak lari kemarin sore, lukanya parah", "crime_report"),
        # care already given
        ("tadi ada kecelakaan, korbannya sudah dibawa ke rs, saya saksinya", "crime_report"),
        # no harm
        ("ada pohon tumbang nutup jalan raya", "feedback"),
        ("nomor darurat kalau ada kecelakaan berapa", "faq_nomor_darurat"),
        ("banjir di desa kami, warga sudah dievakuasi ke balai desa", "feedback"),  # brought out
        ("nomor pemadam kebakaran di sini berapa", "faq_nomor_darurat"),  # the fire brigade
        ("tadi ada kebakaran di pasar, tapi api sudah padam", "crime_report"),  # over
        ("rumah saya kebakaran, mau ngurus surat yang hilang", "faq_surat_kehilangan"),  # paperwork
        ("habis matahari tenggelam ada orang mondar mandir", "crime_report"),  # sunset
    ],
)
async def test_an_accident_with_no_one_hurt_now_is_read_as_the_nlu_reads_it(
    chat: Chat, text: str, intent: str
) -> None:
    chat.nlu.says(text, intent, 0.9)

    decision = await chat.send(text)

    assert not opens_an_urgent_report(decision)
    assert not decision.outcome.needs_review
