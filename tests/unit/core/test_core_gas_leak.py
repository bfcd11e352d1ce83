"""A gas leak now, told apart from "gas" as slang for "go", a case put, a leak mended or of an
earlier day (bot/core/gas_leak.py)."""

import pytest

from bot.core.gas_leak import tells_of_a_gas_leak


@pytest.mark.parametrize(
    "text",
    [
        "gas elpiji bocor di rumah tetangga, baunya nyengat",
        "tolong ada bau gas di dapur",
        "kompor gas tetangga mendesis terus",
        "I smell gas in my building",
        "tabung lpg di warung bocor",
    ],
)
def test_a_gas_leak(text: str) -> None:
    assert tells_of_a_gas_leak(text)


@pytest.mark.parametrize(
    "text",
    [
        "ban motor bocor, gas aja ke bengkel",  # "gas" as "go"
        "kalau gas bocor harus gimana?",  # a case put
        "kemarin tabung gas bocor",  # an earlier day
        "tabung gas tadi bocor tapi sudah diperbaiki",  # mended
        "data pribadi saya bocor",
    ],
)
def test_no_gas_leak(text: str) -> None:
    assert not tells_of_a_gas_leak(text)
