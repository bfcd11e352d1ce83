"""A question whether a rumour is true ("apakah benar ada penculikan anak di daerah sini?", "ada
grup wa nyebar hoax soal penculikan anak, bener ga sih?"): the NLU reads the crime it names as
an emergency (0.88) or a report to make; it is a question for an officer, who can say what is
known."""

from __future__ import annotations

from bot.core.words import phrases, undoubled_words

# Asking whether something is true.
ASKS_TRUE = frozenset(
    "apakah benar|apa benar|apa bener|apakah bener|benar ga|benar gak|benar tidak|benar nggak|"
    "bener ga|bener gak|bener nggak|bener ngga|bener tidak|beneran ga|beneran gak|hoax ga|"
    "hoax gak|hoaks ga|hoaks gak|hoax atau|hoaks atau|hoax bukan|hoaks bukan|is it true|"
    "is this true|is that true|is it real|is this real|is it fake|fake news".split("|")
)
# A rumour told: asked about with a question mark, it asks whether it is true.
RUMOUR = frozenset(
    "hoax|hoaks|hoks|isu|isunya|rumor|rumour|rumors|rumours|gosip|kabar burung|desas desus|"
    "katanya|kata orang|beredar|viral|broadcast".split("|")
)
_LONGEST = max(len(phrase.split()) for phrase in ASKS_TRUE | RUMOUR)


def asks_if_a_rumour_is_true(text: str) -> bool:
    """Whether the text asks if something is true (ASKS_TRUE), or asks (a question mark) about
    a rumour (RUMOUR)."""
    runs = phrases(undoubled_words(text), _LONGEST)
    return not runs.isdisjoint(ASKS_TRUE) or ("?" in text and not runs.isdisjoint(RUMOUR))
