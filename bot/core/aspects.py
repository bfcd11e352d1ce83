"""Which part of a topic a question asks about ("brp biayanya?" → cost), by its words."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# A word also asks with these endings: "biayanya", "syaratnya", "bayarlah", "bukakah".
SUFFIXES = ("nya", "kah", "lah")
_WORD = re.compile(r"[^\W_]+")
_DOUBLED = re.compile(rf"(?<=[^\W\d_])2(?=(?:{'|'.join(SUFFIXES)})?$)")


class AspectWords:
    """The aspects a question names (data/aspects.yml): `cost` for "berapa biaya SKCK?",
    `requirements` and `cost` for "syarat dan biaya SIM", none for "cara buat SKCK"."""

    def __init__(self, words: Mapping[str, Iterable[str]]) -> None:
        self._phrases = {
            aspect: tuple(tuple(_words(phrase)) for phrase in phrases)
            for aspect, phrases in words.items()
        }

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._phrases)

    def asked(self, text: str) -> frozenset[str]:
        words = _words(text)
        return frozenset(
            aspect
            for aspect, phrases in self._phrases.items()
            if any(_contains(words, phrase) for phrase in phrases)
        )


def _words(text: str) -> list[str]:
    """Lowercase words, a doubled word written with a 2 as one ("syarat2" → "syarat")."""
    return [_DOUBLED.sub("", word) for word in _WORD.findall(text.lower())]


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    """Whether `phrase` occurs in `words`, its last word maybe with a suffix."""
    size = len(phrase)
    *head, last = phrase
    endings = {last, *(last + suffix for suffix in SUFFIXES)}
    return any(
        words[start + size - 1] in endings and words[start : start + size - 1] == head
        for start in range(len(words) - size + 1)
    )
