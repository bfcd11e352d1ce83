"""The emergency safety net: while the NLU server cannot be reached, danger-now words in a
message still make it an emergency (110/112 at once, an urgent ticket); anything else waits.
Inside a dialog, words of "now" confirm the NLU's urgent answer (`says_now`); a crime of an
earlier day is no danger now unless it lasts (`in_the_past`); a danger word said of the present
moment is danger now, however calmly the NLU reads it (`danger_present`), and so are people hurt
in an accident and perils such as a fire or someone drowning (`harm_present`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.types import Classification, IntentSpec
from bot.core.when import time_said
from bot.core.words import phrase_alternatives

SOURCE = "keywords"  # stored as the message's model version: who classified it
EMERGENCY_DIALOG = "emergency"  # after danger now: later messages join its urgent ticket
# Names that hold a peril word but tell of none: the fire brigade ("nomor pemadam kebakaran").
_NO_PERIL = re.compile(r"(?:pemadam|dinas|mobil|petugas|regu)\s+kebakaran")


class EmergencyKeywords:
    def __init__(
        self,
        phrases: Iterable[str],
        emergency: IntentSpec,
        *,
        now_words: Iterable[str],
        help_words: Iterable[str],
        lasting_words: Iterable[str],
        past_words: Iterable[str],
        over_words: Iterable[str],
        accident_words: Iterable[str],
        harm_words: Iterable[str],
        peril_words: Iterable[str],
        tended_words: Iterable[str],
        case_words: Iterable[str],
    ) -> None:
        self._pattern = _whole_words(phrases)
        self._now = _whole_words(now_words)
        self._help = _whole_words(help_words)
        self._lasting = _whole_words(lasting_words)
        self._past = _whole_words(past_words)
        self._over = _whole_words(over_words)
        self._accident = _whole_words(accident_words)
        self._harm = _whole_words(harm_words)
        self._peril = _whole_words(peril_words)
        self._tended = _whole_words(tended_words)
        self._case = _whole_words(case_words)
        self.emergency = emergency

    def match(self, text: str) -> Classification | None:
        """An emergency classification when the text holds a danger-now word, else None."""
        if not _holds(self._pattern, text):
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
        return _holds(self._now, text) or _holds(self._help, text)

    def in_the_past(self, text: str) -> bool:
        """Whether the text tells of a day before today ("rumah sy kemalingan semalam", "dulu
        pernah…") with no word of now, of a call for help or of danger that lasts ("anak saya
        diculik kemarin")."""
        lasting = _holds(self._lasting, text)
        return self._earlier(text) and not lasting and not self.says_now(text)

    def danger_present(self, text: str) -> bool:
        """Whether the text holds a danger-now word and a word of now (not only a call for
        help), names no earlier day and does not say the danger is over ("ada yg lempar molotov
        ke rumah warga, pelakunya masih di ujung gang")."""
        return (
            _holds(self._pattern, text)
            and _holds(self._now, text)
            and not _holds(self._over, text)
            and not self._earlier(text)
        )

    def harm_present(self, text: str) -> bool:
        """Whether the text tells of people hurt in an accident, now: a word of an accident and
        one of harm ("ada kecelakaan beruntun di tol, banyak korban"), or a peril ("ada
        kebakaran di pasar", "ada orang tenggelam"), naming no earlier day, nothing over ("api
        sudah padam"), no care already given ("korbannya sudah dibawa ke rs") and no case put
        or paperwork asked about ("kalau ada kecelakaan dan korban luka, telpon mana?")."""
        hurt = _holds(self._accident, text) and _holds(self._harm, text)
        return (
            (hurt or _holds(self._peril, _NO_PERIL.sub(" ", text.lower())))
            and not _holds(self._over, text)
            and not _holds(self._tended, text)
            and not _holds(self._case, text)
            and not self._earlier(text)
        )

    def _earlier(self, text: str) -> bool:
        """Whether the text names a day before today, or tells of a time past in other words
        (past_words: "dulu pernah", "waktu itu")."""
        return _names_an_earlier_day(text) or _holds(self._past, text)


def _names_an_earlier_day(text: str) -> bool:
    """Whether the text names a day before today (bot/core/when.py)."""
    said = time_said(text)
    return said is not None and said.earlier


def _holds(pattern: re.Pattern[str] | None, text: str) -> bool:
    return pattern is not None and pattern.search(text.lower()) is not None


def _whole_words(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """Any of the phrases as whole words, any spacing (longest first), the last word also
    doubled with a 2 ("ga pulang2"); None for none."""
    alternatives = phrase_alternatives(phrases)
    return re.compile(rf"(?<!\w)(?:{alternatives})2?(?!\w)") if alternatives else None
