"""mask_personal_data: Indonesian phone numbers, NIKs, plates and e-mail addresses."""

import pytest

from bot.core.privacy import mask_personal_data


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("wa saya 081234567890 ya", "wa saya [telepon] ya"),
        ("hubungi 0812-3456-7890.", "hubungi [telepon]."),
        ("hp: 0812 3456 7890, makasih", "hp: [telepon], makasih"),
        ("nomor 0812.3456.789", "nomor [telepon]"),
        ("call +62 812-3456-7890 now", "call [telepon] now"),
        ("+6281234567890", "[telepon]"),
        ("62 812 3456 7890", "[telepon]"),
        ("6285712345678 atas nama budi", "[telepon] atas nama budi"),
        ("kantor (021) 5551234", "kantor [telepon]"),
        ("telp 021-5551234 atau 0274 512345", "telp [telepon] atau [telepon]"),
        ("0812345678901 dua kali", "[telepon] dua kali"),
    ],
)
def test_phone_numbers_are_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("NIK saya 3201234567890123", "NIK saya [NIK]"),
        ("nik: 3201 2345 6789 0123.", "nik: [NIK]."),
        ("KTP 6201-2345-6789-0123 hilang", "KTP [NIK] hilang"),
    ],
)
def test_niks_are_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("motor B 1234 ABC hilang", "motor [plat] hilang"),
        ("mobil D1234XY ditabrak", "mobil [plat] ditabrak"),
        ("plat AB 123 CD", "plat [plat]"),
        ("nopol b 4321 tyu dicuri", "nopol [plat] dicuri"),
        ("(DK 1 A)", "([plat])"),
    ],
)
def test_plate_numbers_are_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


def test_email_addresses_are_masked_whole_even_with_digits() -> None:
    assert (
        mask_personal_data("email budi.s+polres@mail.co.id atau 081234567890@gmail.com")
        == "email [email] atau [email]"
    )


def test_several_kinds_in_one_message() -> None:
    text = "sy Budi NIK 3201234567890123 hp 081234567890 motor B 1234 ABC, x@y.id"
    assert mask_personal_data(text) == "sy Budi NIK [NIK] hp [telepon] motor [plat], [email]"


@pytest.mark.parametrize(
    "text",
    [
        "tahun 2024 saya ditilang",
        "bayar 50.000 atau Rp 1.500.000?",
        "harga Rp62.000.000 dan 620.000",
        "jam 08.30 sampai 10:00 WIB",
        "tanggal 05-06-2024 jam 10",
        "tanggal 17/08/2024",
        "antri nomor 12, loket 3",
        "RT 05 RW 03 kelurahan sukamaju",
        "bikin SIM A dan SIM C",
        "cek PL-AB2C-DE3F dong",
        "status PL AB2C DE3F",
        "status pl-7k3m-q9xd",
        "a 2 ya pak",
        "kode pos 40115",
        "rekening 1234567890",
        "12345",
        "",
    ],
)
def test_ordinary_numbers_and_ticket_codes_stay(text: str) -> None:
    assert mask_personal_data(text) == text


def test_masking_twice_changes_nothing_more() -> None:
    once = mask_personal_data("0812 3456 7890 B 1234 ABC 3201234567890123 a@b.id")
    assert mask_personal_data(once) == once
