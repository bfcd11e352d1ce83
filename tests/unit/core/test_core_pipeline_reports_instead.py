"""A crime of an earlier day is a report, not danger now: the NLU reads many such reports
("rumah sy kebobolan maling semalam") as emergencies. Words of now, of a call for help or of
danger that lasts (data/emergency_keywords.yml) keep them emergencies. So is a request to mend
public works ("tolong lampu jalan diperbaiki") that names no harm, and a scam call ("ada yang
ngaku polisi nelpon…, minta transfer")."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from tests.unit.core.pipeline_fakes import Chat, DownNlu, only_text, opens_an_urgent_report


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("rumah sy kebobolan maling di perum griya asri semalam", "di perum griya asri"),
        ("kemarin motor saya dibegal di jalan raya bogor", "di jalan raya bogor"),
        ("my house was robbed at home 2 days ago", "at home"),
        ("ada mobil parkir sembarangan depan rumah sy dari 3 hari", "depan rumah Anda"),
        ("tolong lampu jalan di depan polsek diperbaiki", "di depan polsek"),  # public works
        ("jalan berlubang depan sekolah bahaya, tolong ditindak", "depan sekolah"),
    ],
)
async def test_an_earlier_days_crime_or_a_repair_starts_a_report(
    chat: Chat, content: Content, text: str, place: str
) -> None:
    chat.nlu.says(text, "emergency", 0.96)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None  # no urgent ticket
    language = chat.language
    assert only_text(decision) == "\n".join(
        (
            content.texts.get(language, "emergency.if_danger"),  # 110/112 first all the same
            content.texts.get(language, "report.ask_where_exactly", place=place),
        )
    )
    assert chat.state is not None
    assert (chat.state.dialog, chat.state.data["what"]) == ("crime_report", text)
    assert decision.classification is not None
    assert decision.classification.intent == "emergency"  # stored as the NLU read it
    assert decision.outcome.needs_review  # the admins' review lists it as overruled


@pytest.mark.parametrize(
    "text",
    [
        "dulu pernah ada yg bawa parang ke rumah sy, mau sy laporin",
        "waktu itu ada orang nodong saya di jalan",
    ],
)
async def test_a_time_past_told_without_a_day_starts_a_report(chat: Chat, text: str) -> None:
    chat.nlu.says(text, "emergency", 0.9)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None  # no urgent ticket
    assert chat.state is not None
    assert (chat.state.dialog, chat.state.data["what"]) == ("crime_report", text)
    assert decision.outcome.needs_review


@pytest.mark.parametrize(
    "text",
    [
        "barusan ada yang ngaku polisi nelpon bilang anak saya kecelakaan, minta transfer",
        "someone called pretending to be a doctor, said my son was hurt, asked me to transfer money",
    ],
)
async def test_a_scam_call_starts_a_report(chat: Chat, content: Content, text: str) -> None:
    chat.nlu.says(text, "emergency", 0.75)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None  # no urgent ticket
    assert chat.state is not None
    assert (chat.state.dialog, chat.state.data["what"]) == ("crime_report", text)
    # asked through what (the caller's number), not where
    assert content.texts.get(chat.language, "report.ask_where_online") in only_text(decision)
    assert decision.outcome.needs_review  # the admins' review lists it as overruled


@pytest.mark.parametrize(
    "text",
    [
        "semalam rumah saya dirampok, sekarang pelakunya masih di sekitar sini",  # now
        "tolong pak, kemarin saya dipukuli preman",  # a call for help
        "anak saya diculik kemarin sore",  # danger that lasts
        "adik saya belum pulang dari 2 hari lalu",
        "anak sy ga pulang2 dari kemarin",  # a doubled word, as chats write it
        "adik sy ga ada kabar dari semalam",
        "gimana cara melaporkan anak yang kabur dari rumah udah 3 hari",
        "my daughter hasn't come home since last night",
        "suami saya memukul saya semalam",
        "rumah saya dirampok tadi pagi",  # today: not an earlier day
        "ada perampokan di pasar",  # no day at all
        "jalan berlubang depan sekolah, barusan ada kecelakaan, orangnya luka",  # a repair, harm
        "lampu jalan mati, ada begal di gang",  # a repair, a word of the safety net
        "ada yang ngaku polisi di depan rumah bawa pistol, minta uang",  # at the door, armed
        "dulu pernah dipukuli, sekarang dia datang lagi bawa pisau",  # a time past, and now
        "adek sy blm plg dr kmrn sore pak, biasanya gk pernah gini",  # missing since then
    ],
)
async def test_now_help_lasting_danger_or_today_stay_emergencies(chat: Chat, text: str) -> None:
    chat.nlu.says(text, "emergency", 0.96)

    decision = await chat.send(text)

    assert opens_an_urgent_report(decision)
    assert "110" in decision.outcome.replies[0].text
    assert not decision.outcome.needs_review


async def test_below_the_emergency_threshold_the_nlu_decides_as_before(chat: Chat) -> None:
    text = "mau tanya soal pencurian kemarin"
    chat.nlu.says(text, "emergency", 0.2)  # under nlu.emergency_threshold (0.3)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None
    assert chat.state is not None
    assert chat.state.dialog == "clarify"


async def test_while_the_nlu_is_down_an_earlier_days_robbery_starts_a_report(
    content: Content, chat: Chat
) -> None:
    chat.pipeline.classifier.nlu = DownNlu()
    text = "rumah saya dirampok kemarin"  # "dirampok": a word of the safety net

    decision = await chat.send(text)

    assert decision.outcome.ticket is None
    assert only_text(decision).endswith(content.texts.get("id", "report.ask_where"))
