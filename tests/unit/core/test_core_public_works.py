"""A request to mend public works, told apart from harm beside it."""

import pytest

from bot.core.public_works import asks_to_mend_public_works


@pytest.mark.parametrize(
    "text",
    [
        "tolong lampu jalan di depan polsek diperbaiki",
        "jalan berlubang depan sekolah bahaya buat motor, tolong ditindak",
        "LAMPU MERAH PEREMPATAN PASAR MATI DARI PAGI",
        "got mampet depan rumah, air naik ke jalan",
        "the traffic light at the junction is broken",
        "pju di gang 3 mati2 terus",  # a doubled word
        "jalanan depan rumah rusak parah, banyak lubang",  # damage a few words after the road
        "the road near our school is damaged",
    ],
)
def test_public_works_to_mend(text: str) -> None:
    assert asks_to_mend_public_works(text)


@pytest.mark.parametrize(
    "text",
    [
        "jalan berlubang, barusan ada kecelakaan motor, orangnya luka",  # someone hurt
        "lampu jalan mati, ada orang mencurigakan mondar mandir",  # danger beside it
        "tolong lampu jalan di depan polsek",  # nothing broken or to mend
        "motor saya rusak ditabrak mobil",  # no public works
        "hp saya mati, tolong",
        "motor saya rusak di jalan",  # damage before the road: not the road's
        "di jalan dekat pasar ada rumah warga yang dirusak massa",  # far from the road, and not
    ],
)
def test_no_mere_repair(text: str) -> None:
    assert not asks_to_mend_public_works(text)
