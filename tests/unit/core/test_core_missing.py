"""Someone gone missing, told apart from a thing lost."""

import pytest

from bot.core.missing import asks_the_procedure, is_a_thing_lost, is_missing_person


@pytest.mark.parametrize(
    "text",
    [
        "adik saya hilang di pasar",
        "ANAK SAYA HILANG BARUSAN DI MALL",
        "my daughter is lost in the crowd",
        "anak sy ga pulang2 dari semalam",  # a doubled word
        "my son hasn't come home",
        "anak saya ketinggalan di bus dan dibawa orang asing yang tidak saya kenal",
    ],
)
def test_a_person_gone_missing(text: str) -> None:
    assert is_missing_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "tolong, tas saya hilang dijambret",  # no person
        "anak saya dipukuli orang",  # not gone
        "sy blm pulang kerja",  # the citizen themself
        "tolong, hp anak saya hilang dirampas",  # the child's phone
        "anak saya hilang hpnya di sekolah, gimana bikin surat kehilangan",  # a thing lost
        "my son lost his phone on the bus",
    ],
)
def test_no_person_gone_missing(text: str) -> None:
    assert not is_missing_person(text)


def test_not_come_home_and_unreachable_are_missing_too() -> None:
    assert is_missing_person("anak sy blm pulang dari kemarin, hp mati")
    assert is_missing_person("suami saya tidak bisa dihubungi sejak semalam")
    assert is_missing_person("my husband didn't come home last night")
    assert not is_missing_person("motor anak saya hilang dicuri")  # a thing
    assert not is_missing_person("hp ibu saya hilang")


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("suami saya ga pulang 3 hari, lapor kemana?", True),
        ("kalau lansia hilang caranya lapor gimana", True),  # "caranya": a word and -nya
        ("what should I do if my son goes missing", True),
        ("anak saya hilang di pasar", False),
        ("adik sy ga pulang dari semalam", False),
        ("anak saya tidak pulang, 6 jam tidak bisa dihubungi", False),  # "bisa" of not home
        ("anak saya tidak bisa dihubungi, bisa lapor sekarang", True),
    ],
)
def test_the_procedure_asked(text: str, asks: bool) -> None:
    assert asks_the_procedure(text) is asks


@pytest.mark.parametrize(
    ("text", "lost"),
    [
        ("saya wna, paspor saya hilang", True),
        ("i lost my passport at the airport", True),
        ("paspor anak saya hilang", True),  # the child is the owner
        ("anak saya hilang di pasar", False),  # a person
        ("anak saya hilang, tasnya ketinggalan di rumah", False),  # gone, the bag not lost
        ("paspor saya mau diperpanjang", False),  # nothing lost
    ],
)
def test_a_thing_lost(text: str, lost: bool) -> None:
    assert is_a_thing_lost(text) is lost
