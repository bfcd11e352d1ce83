import re

import pytest

from bot.core.tickets import (
    CODE_ALPHABET,
    find_ticket_code,
    is_ticket_code,
    new_ticket_code,
    ticket_priority,
)
from bot.core.types import Category

PRIORITIES = {"urgent": 1, "crime_report": 2, "question": 3, "feedback": 4, "other": 5}


def test_alphabet_has_no_look_alike_symbols() -> None:
    assert not set("01ILOU") & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 30


def test_new_ticket_code_has_the_documented_format() -> None:
    symbol = f"[{CODE_ALPHABET}]"
    pattern = re.compile(rf"PL-{symbol}{{4}}-{symbol}{{4}}")
    for _ in range(500):
        code = new_ticket_code()
        assert pattern.fullmatch(code), code


def test_new_ticket_codes_are_unique_and_use_the_whole_alphabet() -> None:
    codes = [new_ticket_code() for _ in range(10_000)]

    assert len(set(codes)) == len(codes)
    used = {symbol for code in codes for symbol in code[3:].replace("-", "")}
    assert used == set(CODE_ALPHABET)


def test_a_new_code_is_found_again_in_text() -> None:
    code = new_ticket_code()
    assert find_ticket_code(f"cek status {code.lower()} dong") == code


@pytest.mark.parametrize(
    "text",
    [
        "pl 7k3m q9xd",
        "PL-7K3MQ9XD",
        "PL-7K3M-Q9XD",
        "pl-7k3m-q9xd",
        "PL7K3MQ9XD",
        "kode saya PL-7K3M-Q9XD, gimana statusnya?",
        "status (PL 7K3M-Q9XD)",
    ],
)
def test_find_ticket_code_normalises_how_citizens_type_it(text: str) -> None:
    assert find_ticket_code(text) == "PL-7K3M-Q9XD"


def test_a_message_that_is_only_a_code() -> None:
    assert is_ticket_code("PL7K3MQ9XD")
    assert is_ticket_code(" pl-7k3m-q9xd! ")
    assert not is_ticket_code("kode saya PL-7K3M-Q9XD")
    assert not is_ticket_code("PLEASESEND")  # no digit, no separator: no code
    assert not is_ticket_code("")


def test_find_ticket_code_returns_the_first_code() -> None:
    assert find_ticket_code("PL-2345-6789 atau PL-ABCD-EFGH") == "PL-2345-6789"


@pytest.mark.parametrize(
    "text",
    [
        "please help",
        "please help me check my report",
        "",
        "lapor pak",
        "PL-7K3M-Q9X",  # too short
        "PL-7K3M-Q9XDZ",  # too long
        "PL-7K3M-Q9X0",  # 0 is not in the alphabet
        "PL-1K3M-Q9XD",  # 1 is not in the alphabet
        "XPL-7K3M-Q9XD",  # not at a word start
        "AB-7K3M-Q9XD",  # wrong prefix
    ],
)
def test_find_ticket_code_ignores_text_without_a_code(text: str) -> None:
    assert find_ticket_code(text) is None


def test_find_ticket_code_ignores_please_followed_by_a_four_letter_word() -> None:
    # "please" is "PL" + "EASE" (all in the alphabet); a following 4-letter word made of
    # alphabet letters ("send", "read", "stay") must not turn the phrase into a ticket code.
    assert find_ticket_code("can you please send me the status of my report") is None


@pytest.mark.parametrize(
    ("category", "urgent", "expected"),
    [
        (Category.CRIME_REPORT, True, 1),
        (Category.CRIME_REPORT, False, 2),
        (Category.QUESTION, False, 3),
        (Category.FEEDBACK, False, 4),
        (Category.OTHER, False, 5),
        (Category.QUESTION, True, 1),
    ],
)
def test_ticket_priority_comes_from_the_configured_table(
    category: Category, urgent: bool, expected: int
) -> None:
    assert ticket_priority(category, urgent, PRIORITIES) == expected


def test_ticket_priority_follows_a_changed_table() -> None:
    priorities = {**PRIORITIES, "urgent": 0, "feedback": 9}
    assert ticket_priority(Category.FEEDBACK, False, priorities) == 9
    assert ticket_priority(Category.FEEDBACK, True, priorities) == 0
