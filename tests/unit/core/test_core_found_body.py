"""A body found, told in Indonesian, slang or English (bot/core/found_body.py)."""

from __future__ import annotations

import pytest

from bot.core.found_body import tells_of_a_body_found


@pytest.mark.parametrize(
    "text",
    [
        "mayat ditemukan di sungai belakang desa",
        "ada mayat mengapung di waduk",
        "Pak ada sesosok mayat di kali",
        "nemu jenazah bayi di selokan",
        "warga menemukan jasad laki-laki di pinggir rel tadi pagi",
        "pak ada orang mati di jalan",
        "mayat2 bergelimpangan",
        "found a dead body near the river",
        "there's a body in the canal",
    ],
)
def test_a_body_found_today(text: str) -> None:
    assert tells_of_a_body_found(text)


@pytest.mark.parametrize(
    "text",
    [
        "kalau menemukan mayat harus lapor kemana",  # a case put
        "kemarin ditemukan mayat di sungai",  # an earlier day
        "mayatnya sudah dievakuasi warga",  # taken away
        "jenazah korban sudah dibawa ke rs",
        "kapan hasil autopsi jenazah ayah saya keluar",  # no finding
        "apakah ada biaya ambil jenazah?",  # "ada" not before the body
        "ketemu teman di jalan",  # no body
    ],
)
def test_no_body_found_now(text: str) -> None:
    assert not tells_of_a_body_found(text)
