"""A citizen telling of a crime they (or their family) suffered, in words the NLU takes for
feedback: "saya korban tabrak lari kemarin sore" was thanked for the feedback (0.96), to wait
days in the feedback queue, and so was "my wallet was stolen at the beach, how do i report it".
Not when the text is about how a case is handled ("saya korban penipuan, laporannya ga
diproses"): that is feedback. Asking how to report ("how do i report it") is no handling."""

from __future__ import annotations

from bot.core.words import phrases, spans, undoubled_words

VICTIM = frozenset(
    "saya korban|sy korban|aku korban|gw korban|gue korban|kami korban|saya jadi korban|"
    "sy jadi korban|aku jadi korban|gw jadi korban|kami jadi korban|saya menjadi korban|"
    "korban tabrak lari|kena tabrak lari|ditabrak lari|kena hipnotis|dihipnotis|kena gendam|"
    "digendam|i was a victim|i am a victim|i m a victim|im a victim|we were victims|"
    "hit and run|was stolen|were stolen|got stolen|been stolen|was robbed|were robbed|"
    "got robbed|been robbed|was scammed|were scammed|got scammed|been scammed|was mugged|"
    "got mugged|been mugged|was pickpocketed|got pickpocketed|was hacked|got hacked|"
    "motor saya dicuri|hp saya dicuri|saya kecopetan|saya kemalingan|rumah saya kemalingan|"
    "saya ditipu|sy ditipu|aku ditipu|kami ditipu|saya kena tipu|aku kena tipu".split("|")
)
# Asking how or where to report: words of a report, but not of a case being handled.
ASKING_TO_REPORT = frozenset(
    "how do i report|how can i report|how to report|where do i report|where can i report|"
    "where to report|i want to report|i d like to report|mau lapor|ingin lapor|mau melapor|"
    "ingin melapor|cara lapor|cara melapor|lapor kemana|lapor ke mana|lapor dimana|"
    "lapor di mana|lapornya kemana|lapornya dimana|gimana lapornya".split("|")
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
    nothing of how a case is handled (HANDLING) beyond asking how to report it."""
    said = undoubled_words(text)
    if VICTIM.isdisjoint(phrases(said, _LONGEST)):
        return False
    return HANDLING.isdisjoint(_without_asking_to_report(said))


def _without_asking_to_report(said: list[str]) -> list[str]:
    """The words, less those of each ASKING_TO_REPORT phrase in them."""
    kept = list(said)
    for start, end in spans(said, ASKING_TO_REPORT):
        kept[start:end] = [""] * (end - start)
    return kept
