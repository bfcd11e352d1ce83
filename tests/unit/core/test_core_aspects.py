"""Which part of a topic a question asks about, and the short answer it then gets."""

import pytest

from bot.core.aspects import AspectWords, carries_over
from bot.core.content import Content, FaqAnswer

WORDS = AspectWords(
    {
        "cost": ["biaya", "bayar", "how much"],
        "requirements": ["syarat", "what to bring"],
        "hours": ["jam", "buka"],
    }
)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("berapa biaya SKCK?", {"cost"}),
        ("brp biayanya", {"cost"}),  # a word with -nya
        ("Syaratnya apa aja? Bayarnya dmn?", {"requirements", "cost"}),
        ("How much is it?", {"cost"}),  # a phrase, its words in a row
        ("how is it so much", set()),  # not in a row
        ("what to bring?", {"requirements"}),
        ("cara buat skck", set()),
        ("jaminan penangguhan", set()),  # "jam" inside a word is not "jam"
        ("kantor buka jam berapa", {"hours"}),
        ("", set()),
    ],
)
def test_the_aspects_a_question_names(text: str, asked: set[str]) -> None:
    assert WORDS.asked(text) == asked


FAQ = FaqAnswer(
    "skck",
    {"id": "SKCK"},
    {"id": "Semua tentang SKCK.", "en": "All about SKCK."},
    {
        "requirements": {"id": "Syarat SKCK: KTP.\n", "en": "SKCK needs a KTP."},
        "cost": {"id": "Biaya SKCK Rp30.000.", "en": "The SKCK fee is Rp30,000."},
    },
)


def test_the_short_answers_to_the_aspects_asked_in_the_topics_order() -> None:
    assert FAQ.focused(frozenset({"cost"}), "en") == "The SKCK fee is Rp30,000."
    assert FAQ.focused(frozenset({"cost", "requirements"}), "id") == (
        "Syarat SKCK: KTP.\n\nBiaya SKCK Rp30.000."
    )
    assert FAQ.focused(frozenset({"cost"}), "fr") == "Biaya SKCK Rp30.000."


def test_a_part_the_topic_has_no_short_answer_for_is_left_out() -> None:
    assert FAQ.focused(frozenset({"cost", "hours"}), "id") == "Biaya SKCK Rp30.000."
    assert FAQ.focused(frozenset({"hours"}), "id") is None
    assert FAQ.focused(frozenset(), "id") is None


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("berapa biaya bikin skck min", {"cost"}),
        ("syaratnya apa aja?", {"requirements"}),
        ("what documents do I need?", {"requirements"}),
        ("kantor polres buka jam berapa ya", {"hours"}),
        ("bisa online gak?", {"online"}),
        ("syrat2 nya apa aj", {"requirements"}),
        ("byr nya brp", {"cost"}),
        ("bikin sim kmn ya", {"where"}),
        ("skck brlaku brp lama", {"validity", "duration"}),
        ("masa berlaku skck berapa lama", {"validity", "duration"}),
        ("bikin surat kehilangan dimana?", {"where"}),
        ("skck bisa diwakilkan gak?", {"proxy"}),
        ("skck yang udah jadi boleh diambilkan adik?", {"proxy"}),
        ("can someone else renew my SIM for me?", {"proxy"}),
        ("how long does it take to get an SKCK?", {"duration"}),
        ("tilang elektronik cek nya lewat apa", {"online"}),
        ("saya kehilangan dokumen penting, gimana bikin suratnya", set()),
        ("saya kena penipuan", set()),
    ],
)
def test_the_projects_words_find_what_citizens_ask(
    content: Content, text: str, asked: set[str]
) -> None:
    assert content.aspect_words.asked(text) == asked


@pytest.mark.parametrize(
    ("text", "carries"),
    [
        ("kalau SIM?", True),
        ("klo perpanjang sim gmn", True),
        ("how about the SKCK?", True),
        ("gimana kalau SIM C?", True),
        ("kalau", False),  # a lead alone names nothing
        ("kalau mau bikin SKCK baru gimana caranya", False),  # a question of its own
        ("SIM?", False),
        ("buat SIM gimana?", False),  # "buat" is also "make"
    ],
)
def test_short_questions_led_by_what_about_carry_over(text: str, carries: bool) -> None:
    assert carries_over(text) is carries


def test_a_what_about_question_asks_what_the_question_before_it_asked() -> None:
    assert WORDS.asked("kalau SIM?", ["berapa biaya SKCK?"]) == {"cost"}
    # Its own words come first.
    assert WORDS.asked("kalau SIM syaratnya?", ["berapa biaya SKCK?"]) == {"requirements"}
    # Along a chain of them, back to the question that named its parts.
    earlier = ["kalau SIM?", "syarat dan biaya SKCK", "jam buka"]
    assert WORDS.asked("how about STNK?", earlier) == {"requirements", "cost"}
    # A question that named none ends the chain: the whole answer, as it got.
    assert WORDS.asked("kalau SIM?", ["cara buat SKCK", "berapa biaya SKCK?"]) == set()
    # Only a what-about question looks back.
    assert WORDS.asked("cara buat SIM", ["berapa biaya SKCK?"]) == set()
    assert WORDS.asked("kalau SIM?") == set()
