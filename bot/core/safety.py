"""The emergency safety net: while the NLU server cannot be reached, danger-now words in a
message still make it an emergency (110/112 at once, an urgent ticket); anything else waits."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.types import Classification, IntentSpec

SOURCE = "keywords"  # stored as the message's model version: who classified it


class EmergencyKeywords:
    def __init__(self, phrases: Iterable[str], emergency: IntentSpec) -> None:
        words = sorted({" ".join(p.lower().split()) for p in phrases if p.strip()}, key=len)
        alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in reversed(words))
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if words else None
        self.emergency = emergency

    def match(self, text: str) -> Classification | None:
        """An emergency classification when the text holds a danger-now word, else None."""
        if self._pattern is None or not self._pattern.search(text.lower()):
            return None
        spec = self.emergency
        return Classification(
            text=text,
            intent=spec.name,
            confidence=1.0,
            category=spec.category,
            faq_topic=spec.faq_topic,
            urgent=True,
            model_version=SOURCE,
        )
