import pytest

from bot.core.when import TimeSaid, only_time, time_said


@pytest.mark.parametrize(
    ("text", "phrase", "earlier"),
    [
        (
            "motor sy dicuri tadi malam sekitar jam 11 di depan rumah",
            "tadi malam sekitar jam 11",
            True,
        ),
        ("Jam 9 malam tadi hp saya dijambret", "jam 9 malam", False),
        ("kejadiannya pukul 23.15 WIB", "pukul 23.15 wib", False),
        ("kemarin sore kira2 jam 5", "kemarin sore kira2 jam 5", True),
        ("dompet hilang di angkot 14:30", "14:30", False),
        ("barusan ada yang nyopet", "barusan", False),
        ("hp sy diambil orang 10 menit yang lalu", "10 menit yang lalu", False),
        ("2 jam lalu rumah kemasukan maling", "2 jam lalu", False),
        ("my bag was snatched last night at 11pm", "last night 11pm", True),
        ("it happened at 9:30 near the market", "at 9:30", False),
        ("someone broke in 20 minutes ago", "20 minutes ago", False),
        # since some days: something that lasts, from an earlier day
        ("ada mobil parkir sembarangan depan rumah sy dari 3 hari", "dari 3 hari", True),
        ("udah 2 minggu ada yg jual miras oplosan", "udah 2 minggu", True),
        ("they have been dealing drugs there for a few weeks", "for a few weeks", True),
    ],
)
def test_a_time_to_the_hour_or_just_now_is_exact(text: str, phrase: str, earlier: bool) -> None:
    assert time_said(text) == TimeSaid(phrase, exact=True, earlier=earlier)


@pytest.mark.parametrize(
    ("text", "phrase", "earlier"),
    [
        ("rumah saya kemalingan semalam", "semalam", True),
        ("bro, motor gw kena begal td mlm di flyover", "td mlm", True),
        ("motor dicuri kmrn sore di parkiran", "kmrn sore", True),
        ("Tadi pagi dompet saya dicopet", "tadi pagi", False),
        ("hp dijambret hari ini di pasar", "hari ini", False),
        ("hp hilang 2 hari yang lalu", "2 hari yang lalu", True),
        ("kejadian hari Sabtu malam", "hari sabtu malam", True),
        ("tanggal 24 November", "tanggal 24 november", True),
        ("on 3/11/2026 di pasar", "3/11/2026", True),
        ("my phone was stolen yesterday morning", "yesterday morning", True),
        ("it was this morning", "this morning", False),
        ("it was last week, on monday", "last week on monday", True),
    ],
)
def test_a_day_alone_is_not_exact(text: str, phrase: str, earlier: bool) -> None:
    assert time_said(text) == TimeSaid(phrase, exact=False, earlier=earlier)


@pytest.mark.parametrize(
    "text",
    [
        "motor saya dicuri di parkiran pasar",
        "Jl. Merdeka No. 11 RT 03/05",  # house number and RT/RW are not dates or hours
        "uang saya Rp 1.500.000 diambil",  # nor is money
        "jam tangan saya dijambret",  # a watch, not an hour
        "ada 2 orang pelakunya",
        "",
    ],
)
def test_no_time_words_is_none(text: str) -> None:
    assert time_said(text) is None


@pytest.mark.parametrize(
    ("text", "only"),
    [
        ("sekitar jam 2 pagi", True),
        ("tadi malam pak", True),
        ("kira2 jam 5an", True),
        ("Kemarin sore.", True),
        ("di parkiran jam 2", False),  # a place too
        ("parkiran pasar", False),
        ("jam tangan saya", False),
        ("", False),
    ],
)
def test_a_text_that_says_only_when(text: str, only: bool) -> None:
    assert only_time(text) is only
