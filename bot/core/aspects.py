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
        self.names = frozenset(words)
        # Each phrase under every form of its last word ("biaya", "biayanya"…): the words of a
        # text are looked up once each, however many phrases there are.
        self._by_last_word: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for aspect, phrases in words.items():
            for phrase in phrases:
                *head, last = _words(phrase)
                for form in (last, *(last + suffix for suffix in SUFFIXES)):
                    self._by_last_word.setdefault(form, []).append((aspect, tuple(head)))

    def asked(self, text: str) -> frozenset[str]:
        words = _words(text)
        return frozenset(
            aspect
            for end, word in enumerate(words)
            for aspect, head in self._by_last_word.get(word, ())
            if len(head) <= end and tuple(words[end - len(head) : end]) == head
        )


def _words(text: str) -> list[str]:
    """Lowercase words, a doubled word written with a 2 as one ("syarat2" → "syarat")."""
    return [_DOUBLED.sub("", word) for word in _WORD.findall(text.lower())]
