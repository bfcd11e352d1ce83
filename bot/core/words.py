"""The words of a message, split one way for every rule that reads them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet

_WORD = re.compile(r"[^\W_]+")
# Endings a word takes in chats: "biayanya", "bukakah", "bayarlah".
ENDINGS = ("nya", "kah", "lah")
# A word doubled with a 2, as chats write it, maybe with an ending: "pulang2", "syarat2nya"
# (two letters at least: "B2" is a licence class).
_DOUBLED = re.compile(rf"(?<=[^\W\d_]{{2}})2(?=(?:{'|'.join(ENDINGS)})?$)")
# Words that put a case rather than tell one ("kalau menemukan mayat lapor kemana?").
CASE_PUT = frozenset(
    "kalau kalo klo klu jika jikalau apabila bila misal misalnya seandainya andaikan if".split()
)


def phrase_alternatives(phrases: Iterable[str]) -> str:
    """A regular expression's alternatives for the phrases, lowercase, any spacing between
    their words, longest first (so "di depan" wins over "di"); "" for none."""
    found = sorted({" ".join(p.lower().split()) for p in phrases if p.strip()}, key=len)
    return "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in reversed(found))


def words(text: str) -> list[str]:
    """Lowercase runs of letters and digits: "Brp biaya SKCK-nya??" → brp, biaya, skck, nya."""
    return _WORD.findall(text.lower())


def undoubled_words(text: str) -> list[str]:
    """`words`, a word doubled with a 2 written once: "pulang2" → "pulang", "syarat2nya" →
    "syaratnya"."""
    return [_DOUBLED.sub("", word) for word in words(text)]


def spans(said: Sequence[str], vocabulary: AbstractSet[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of every run of the words that is a phrase of the vocabulary, by start,
    then end: `said[start:end]`."""
    longest = max((len(phrase.split()) for phrase in vocabulary), default=0)
    for start in range(len(said)):
        for end in range(start + 1, min(start + longest, len(said)) + 1):
            if " ".join(said[start:end]) in vocabulary:
                yield start, end


def phrases(said: Sequence[str], longest: int) -> set[str]:
    """Every run of 1 to `longest` of the words, each joined by one space."""
    return {
        " ".join(said[start : start + size])
        for size in range(1, longest + 1)
        for start in range(len(said) - size + 1)
    }
