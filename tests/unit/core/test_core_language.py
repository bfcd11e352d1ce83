import pytest

from bot.core.language import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "How do I get a police clearance certificate?",
        "I want to report that my phone was stolen",
        "Hello, can you help me please",
        "What are the opening hours of the police office?",
        "nearest shelter?",
        "renew driving licence",
        # no word of the office's matters: the everyday words of a report
        "my daughter hasn't come home since last night",
        "a black iphone 13, the guy ran towards the market",
    ],
)
def test_clear_english_is_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "gmn cara bikin sim min",
        "sy mau tanya syarat skck dong",
        "motor sy ilang gan, gmn lapornya",
        "Selamat pagi, bagaimana cara membuat SKCK?",
        "tolong pak ada maling di rumah",
        "brp biaya perpanjang sim",
        "shelter pengungsian terdekat di mana ya",
        "jam buka satpas",  # no "yang" or "saya", still clearly Indonesian
        "hp dicopet di angkot",
        "anak sy blm pulang dari kemarin",
        "td pagi hp sy dicopet pas di bus, the guy pake jaket item",
    ],
)
def test_slang_and_formal_indonesian_is_indonesian(text: str) -> None:
    assert detect_language(text) == "id"


@pytest.mark.parametrize("text", ["ok", "", "   ", "SKCK", "👍", "123", "jl. sudirman 12"])
def test_unclear_text_keeps_the_old_choice(text: str) -> None:
    assert detect_language(text) is None


def test_one_english_word_is_not_enough() -> None:
    assert detect_language("hello") is None


def test_mixed_text_leaning_indonesian_is_indonesian() -> None:
    assert detect_language("min mau tanya, skck bisa online gak? thanks") == "id"


def test_case_does_not_matter() -> None:
    assert detect_language("HOW DO I REPORT A THEFT") == "en"
