"""The words of a message, split one way for every rule that reads them."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Lowercase runs of letters and digits: "Brp biaya SKCK-nya??" → brp, biaya, skck, nya."""
    return _WORD.findall(text.lower())
