"""Thoughts of suicide or self-harm ("saya mau bunuh diri", "capek hidup, pengen mati aja", "I
want to kill myself"): danger now however the NLU reads them (it took the first for a report
to make, the second for a question). Said of oneself, the answer is where to find someone to
talk to, not "send your location"."""

from __future__ import annotations

from bot.core.missing import PEOPLE
from bot.core.words import phrases, undoubled_words

SELF_HARM = frozenset(
    "bunuh diri|bundir|ingin mati|pengen mati|pingin mati|pengin mati|kepengen mati|"
    "mau mati aja|mau mati saja|mending mati|lebih baik mati|capek hidup|cape hidup|capek idup|"
    "lelah hidup|gak kuat hidup|ga kuat hidup|nggak kuat hidup|tidak kuat hidup|"
    "gak mau hidup|ga mau hidup|tidak mau hidup|tidak ingin hidup|mengakhiri hidup|"
    "akhiri hidup|menyakiti diri|nyakitin diri|melukai diri|sayat tangan|nyayat tangan|"
    "kill myself|end my life|want to die|wanna die|suicide|suicidal|self harm|hurt myself|"
    "better off dead|no reason to live|dont want to live|don t want to live".split("|")
)
# Someone else a text may tell of: "teman saya mau bunuh diri" is their danger, not the
# citizen's own.
OTHERS = PEOPLE | frozenset("orang seseorang someone somebody dia he she".split())
_LONGEST = max(len(phrase.split()) for phrase in SELF_HARM)


def tells_of_self_harm(text: str) -> bool:
    """Whether the text tells of thoughts of suicide or self-harm, anyone's."""
    return not SELF_HARM.isdisjoint(phrases(undoubled_words(text), _LONGEST))


def of_oneself(text: str) -> bool:
    """Whether a text that tells of self-harm names no one else: the citizen's own."""
    return tells_of_self_harm(text) and OTHERS.isdisjoint(undoubled_words(text))
