"""The emergency safety net: while the NLU server cannot be reached, danger-now words in a
message still make it an emergency (110/112 at once, an urgent ticket); anything else waits.
Inside a dialog, words of "now" confirm the NLU's urgent answer (`says_now`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.types import Classification, IntentSpec

SOURCE = "keywords"  # stored as the message's model version: who classified it
EMERGENCY_DIALOG = "emergency"  # after danger now: later messages join its urgent ticket


class EmergencyKeywords:
    def __init__(
        self, phrases: Iterable[str], emergency: IntentSpec, now_words: Iterable[str]
    ) -> None:
        self._pattern = _whole_words(phrases)
        self._now = _whole_words(now_words)
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

    def says_now(self, text: str) -> bool:
        """Whether the text holds a word of "now" or of a call for help."""
        return self._now is not None and self._now.search(text.lower()) is not None


def _whole_words(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """Any of the phrases as whole words, any spacing (longest first); None for none."""
    words = sorted({" ".join(p.lower().split()) for p in phrases if p.strip()}, key=len)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in reversed(words))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if words else None
