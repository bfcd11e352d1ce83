"""A call or message from someone posing as police, a doctor or family and asking for money
("barusan ada yang ngaku polisi nelpon bilang anak saya kecelakaan, minta transfer"): a scam to
report, which the NLU reads as an emergency (0.75) for the accident or arrest it names."""

from __future__ import annotations

from bot.core.words import phrases, undoubled_words

POSING = frozenset(
    "ngaku|ngakunya|mengaku|mengaku sebagai|ngaku sebagai|berpura pura|pura pura|menyamar|"
    "pretending|pretended|claiming to be|claimed to be|posing as|impersonating".split("|")
)
# By phone or message, not at the door.
REMOTE = frozenset(
    "nelpon|nelp|telpon|telepon|ditelpon|ditelepon|menelepon|tlp|telp|wa|whatsapp|sms|chat|"
    "pesan|call|called|calling|phone|text|texted|message".split("|")
)
MONEY = frozenset(
    "transfer|tf|ditransfer|kirim uang|minta uang|minta duit|tebusan|pulsa|rekening|uang|duit|"
    "money|pay|payment|bank account".split("|")
)
_LONGEST = max(len(phrase.split()) for phrase in POSING | REMOTE | MONEY)


def tells_of_an_impostor(text: str) -> bool:
    """Whether the text tells of someone posing as another (POSING) by phone or message
    (REMOTE) and asking for money (MONEY)."""
    runs = phrases(undoubled_words(text), _LONGEST)
    return all(not runs.isdisjoint(words) for words in (POSING, REMOTE, MONEY))
