"""Ticket codes and priorities."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping

from bot.core.types import Category

# Crockford-style alphabet without look-alikes (0/O, 1/I/L, U); 8 random symbols ≈ 40 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_PREFIX = "PL"
_CODE_IN_TEXT = re.compile(
    rf"\b{CODE_PREFIX}([-\s]?)([{CODE_ALPHABET}]{{4}})[-\s]?([{CODE_ALPHABET}]{{4}})\b",
    re.IGNORECASE,
)


def new_ticket_code() -> str:
    """A short, readable code such as PL-7K3M-Q9XD that cannot be guessed."""
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{CODE_PREFIX}-{symbols[:4]}-{symbols[4:]}"


def find_ticket_code(text: str) -> str | None:
    """The first ticket code in a message, normalised, however the citizen typed it.

    Without a separator after the prefix the code must hold a digit, so "please send"
    is not read as PL-EASE-SEND.
    """
    for match in _CODE_IN_TEXT.finditer(text.upper()):
        separated, first, second = match.groups()
        if separated or any(c.isdigit() for c in first + second):
            return f"{CODE_PREFIX}-{first}-{second}"
    return None


def is_ticket_code(text: str) -> bool:
    """Whether a whole message is one ticket code ("pl-7k3m-q9xd", "PL 7K3M Q9XD.")."""
    code = find_ticket_code(text)
    return code is not None and _letters_and_digits(text) == _letters_and_digits(code)


def _letters_and_digits(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def ticket_priority(category: Category, urgent: bool, priorities: Mapping[str, int]) -> int:
    """Lower is more urgent. `priorities` comes from config.yml (escalation.priority)."""
    return priorities["urgent"] if urgent else priorities[category.value]
