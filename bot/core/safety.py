"""The emergency safety net: while the NLU server cannot be reached, danger-now words in a
message still make it an emergency (110/112 at once, an urgent ticket); anything else waits.
Inside a dialog, words of "now" confirm the NLU's urgent answer (`says_now`); a crime of an
earlier day is no danger now unless it lasts (`in_the_past`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.types import Classification, IntentSpec
from bot.core.when import time_said
from bot.core.words import phrase_alternatives

SOURCE = "keywords"  # stored as the message's model version: who classified it
EMERGENCY_DIALOG = "emergency"  # after danger now: later messages join its urgent ticket


class EmergencyKeywords:
    def __init__(
        self,
        phrases: Iterable[str],
        emergency: IntentSpec,
        now_words: Iterable[str],
        lasting_words: Iterable[str],
    ) -> None:
        self._pattern = _whole_words(phrases)
        self._now = _whole_words(now_words)
        self._lasting = _whole_words(lasting_words)
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

    def in_the_past(self, text: str) -> bool:
        """Whether the text tells of a day before today ("rumah sy kemalingan semalam") with no
        word of now, of a call for help or of danger that lasts ("anak saya diculik kemarin")."""
        said = time_said(text)
        lasting = self._lasting is not None and self._lasting.search(text.lower()) is not None
        return said is not None and said.earlier and not lasting and not self.says_now(text)


def _whole_words(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """Any of the phrases as whole words, any spacing (longest first), the last word also
    doubled with a 2 ("ga pulang2"); None for none."""
    alternatives = phrase_alternatives(phrases)
    return re.compile(rf"(?<!\w)(?:{alternatives})2?(?!\w)") if alternatives else None
