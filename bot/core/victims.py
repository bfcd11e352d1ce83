"""A citizen telling of a crime they (or their family) suffered, in words the NLU takes for
feedback: "saya korban tabrak lari kemarin sore" was thanked for the feedback (0.96), to wait
days in the feedback queue. Not when the text is about how a case is handled ("saya korban
penipuan, laporannya ga diproses"): that is feedback."""

from __future__ import annotations

from bot.core.words import phrases, undoubled_words

VICTIM = frozenset(
    "saya korban|sy korban|aku korban|gw korban|gue korban|kami korban|saya jadi korban|"
    "sy jadi korban|aku jadi korban|gw jadi korban|kami jadi korban|saya menjadi korban|"
    "korban tabrak lari|kena tabrak lari|ditabrak lari|kena hipnotis|dihipnotis|kena gendam|"
    "digendam|i was a victim|i am a victim|i m a victim|im a victim|we were victims|"
    "hit and run".split("|")
)
# Words of a case being handled, or of the service: a complaint about it is feedback.
HANDLING = frozenset(
    "lapor laporan laporannya melapor dilaporkan kasus kasusnya penyidik penyidikan petugas "
    "polisi polsek polres proses diproses ditanggapi tanggapan perkembangan diabaikan pelayanan "
    "report case investigation officer officers police".split()
)
_LONGEST = max(len(phrase.split()) for phrase in VICTIM)


def tells_of_a_crime_suffered(text: str) -> bool:
    """Whether the text tells of a crime the citizen or theirs suffered (VICTIM), saying
    nothing of how a case is handled (HANDLING)."""
    said = undoubled_words(text)
    return not VICTIM.isdisjoint(phrases(said, _LONGEST)) and HANDLING.isdisjoint(said)
