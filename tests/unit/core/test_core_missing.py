"""Someone gone missing, told apart from a thing lost."""

import pytest

from bot.core.missing import has_not_come_home, is_missing_person


@pytest.mark.parametrize(
    "text",
    [
        "adik saya hilang di pasar",
        "ANAK SAYA HILANG BARUSAN DI MALL",
        "my daughter is lost in the crowd",
        "anak sy ga pulang2 dari semalam",  # a doubled word
        "my son hasn't come home",
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
    ],
)
def test_no_person_gone_missing(text: str) -> None:
    assert not is_missing_person(text)


def test_not_come_home_is_said_of_people_only() -> None:
    assert has_not_come_home("anak sy blm pulang dari kemarin, hp mati")
    assert has_not_come_home("suami saya tidak bisa dihubungi sejak semalam")
    assert has_not_come_home("my husband didn't come home last night")
    assert not has_not_come_home("motor anak saya hilang dicuri")  # a thing
    assert not has_not_come_home("hp ibu saya hilang")
