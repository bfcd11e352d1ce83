"""The words of a message, split one way for every rule that reads them."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+")


def phrase_alternatives(phrases: Iterable[str]) -> str:
    """A regular expression's alternatives for the phrases, lowercase, any spacing between
    their words, longest first (so "di depan" wins over "di"); "" for none."""
    found = sorted({" ".join(p.lower().split()) for p in phrases if p.strip()}, key=len)
    return "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in reversed(found))


def words(text: str) -> list[str]:
    """Lowercase runs of letters and digits: "Brp biaya SKCK-nya??" → brp, biaya, skck, nya."""
    return _WORD.findall(text.lower())
