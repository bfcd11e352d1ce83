"""Masking of Indonesian personal data in citizens' text before it leaves the database."""

from __future__ import annotations

import re

from bot.core.tickets import CODE_ALPHABET, CODE_PREFIX

EMAIL = "[email]"
NIK = "[NIK]"
PHONE = "[telepon]"
PLATE = "[plat]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# The NIK (KTP number): 16 digits, first the province code; written whole or in groups.
_NIK = re.compile(r"(?<![\w+])[1-9]\d{15}(?!\w)|(?<![\w+])[1-9]\d{3}(?:[ -]\d{4}){3}(?!\w)")
# A phone number: +62 / 62 / 0, then groups separated by single spaces, dots or dashes;
# the digit count decides (_phone), so prices, times and dates stay.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+62[\s.-]?|62[\s.-]?|\(0|0)\d{2,4}\)?(?:[\s.-]?\d{3,5}){1,3}(?!\w)"
)
# Vehicle plates: a region code, 1-4 digits, 1-3 letters ("B 1234 ABC", "D1234XY").
_REGIONS = sorted(
    "A B D E F G H K L M N P R S T W Z AA AB AD AE AG BA BB BD BE BG BH BK BL BM BN BP "
    "DA DB DC DD DE DG DH DK DL DM DN DP DR DT DW EA EB ED KB KH KT KU PA PB PG PS PT".split(),
    key=len,
    reverse=True,
)
_PLATE = re.compile(
    rf"(?<![\w-])({'|'.join(_REGIONS)}) ?(\d{{1,4}}) ?([A-Z]{{1,3}})(?![\w-])", re.IGNORECASE
)
_AREA_CODE_STARTS = frozenset("2345679")
_TICKET_CODE = re.compile(
    rf"\b{CODE_PREFIX}[-\s]?[{CODE_ALPHABET}]{{4}}[-\s]?[{CODE_ALPHABET}]{{4}}\b", re.IGNORECASE
)


def mask_personal_data(text: str) -> str:
    """The text with e-mail addresses, NIKs, phone and plate numbers replaced by placeholders
    ("[email]", "[NIK]", "[telepon]", "[plat]"); ticket codes are left alone."""
    parts: list[str] = []
    start = 0
    for code in _TICKET_CODE.finditer(text):
        parts += [_mask(text[start : code.start()]), code.group()]
        start = code.end()
    parts.append(_mask(text[start:]))
    return "".join(parts)


def _mask(text: str) -> str:
    text = _EMAIL.sub(EMAIL, text)
    text = _NIK.sub(NIK, text)
    text = _PHONE.sub(_phone, text)
    return _PLATE.sub(_plate, text)


def _phone(match: re.Match[str]) -> str:
    written = match.group()
    digits = re.sub(r"\D", "", written)
    national = "0" + digits[2:] if digits.startswith("62") else digits
    if national[1:2] == "8":  # mobile: 08xx, 10 to 13 digits
        plausible = 10 <= len(national) <= 13
    else:  # landline: area code 02x-09x, 9 to 11 digits; "62…" without + only for mobiles
        plausible = national[1:2] in _AREA_CODE_STARTS and 9 <= len(national) <= 11
        plausible = plausible and not written.startswith("62")
    return PHONE if plausible else written


def _plate(match: re.Match[str]) -> str:
    region, digits, letters = match.groups()
    # Lower-case "a 2 ya" is a sentence; lower-case plates need at least 3 digits.
    written_as_plate = (region + letters).isupper() or len(digits) >= 3
    return PLATE if written_as_plate else match.group()
