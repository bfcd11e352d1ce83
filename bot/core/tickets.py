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
    rf"\b{CODE_PREFIX}[-\s]?([{CODE_ALPHABET}]{{4}})[-\s]?([{CODE_ALPHABET}]{{4}})\b", re.IGNORECASE
)


def new_ticket_code() -> str:
    """A short, readable code such as PL-7K3M-Q9XD that cannot be guessed."""
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{CODE_PREFIX}-{symbols[:4]}-{symbols[4:]}"


def find_ticket_code(text: str) -> str | None:
    """The first ticket code in a message, normalised, however the citizen typed it."""
    match = _CODE_IN_TEXT.search(text.upper())
    return f"{CODE_PREFIX}-{match.group(1)}-{match.group(2)}" if match else None


def ticket_priority(category: Category, urgent: bool, priorities: Mapping[str, int]) -> int:
    """Lower is more urgent. `priorities` comes from config.yml (escalation.priority)."""
    return priorities["urgent"] if urgent else priorities[category.value]
