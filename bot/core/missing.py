"""Someone gone missing: a word for a person and one for being gone ("anak sy blm pulang dari
semalam", "my daughter is lost in the crowd")."""

from __future__ import annotations

import re

from bot.core.words import phrase_alternatives, phrases, undoubled_words

PEOPLE = frozenset(
    "anak anakku adik adikku adek adk kakak kakakku ibu ibuku mama mamah emak bapak bapakku ayah "
    "papa suami suamiku istri istriku nenek kakek keponakan ponakan cucu putri putriku putra "
    "putraku teman temen pacar son daughter child kid boy girl wife husband mother mom mum "
    "father dad brother sister grandmother grandma grandfather grandpa friend nephew niece".split()
)
# Things a person word may follow as their owner ("hp anak saya"), or that a text about a thing
# lost names ("anak saya hilang hpnya").
THINGS = frozenset(
    "hp handphone ponsel motor mobil sepeda tas dompet laptop uang kunci ktp sim stnk bpkb paspor "
    "ijazah akta sertifikat perhiasan emas kartu atm phone wallet bag car bike passport".split()
)
# Said of people only: not home, not back, no news, unreachable.
NOT_HOME = frozenset(
    "belum pulang|blm pulang|tidak pulang|ga pulang|gak pulang|gk pulang|nggak pulang|"
    "belum plg|blm plg|tdk plg|ga plg|gak plg|gk plg|"
    "belum balik|blm balik|ga balik|gak balik|tidak kembali|belum kembali|kabur dari rumah|"
    "tidak ada kabar|gak ada kabar|ga ada kabar|hilang kontak|ilang kontak|"
    "tidak bisa dihubungi|gak bisa dihubungi|ga bisa dihubungi|come home|not back|wandered off|"
    "cannot reach|dibawa orang asing|dibawa orang tak dikenal|dibawa orang tidak dikenal|"
    "taken by a stranger".split("|")
)
# Said of things too: a person missing only in a text that names no thing.
LOST = frozenset(
    "hilang|ilang|belum ketemu|blm ketemu|belum ditemukan|missing|lost|disappeared".split("|")
)
_LONGEST = max(len(phrase.split()) for phrase in NOT_HOME | LOST)
_NOT_HOME = re.compile(rf"(?<!\w)(?:{phrase_alternatives(NOT_HOME)})(?!\w)")
# The FAQ topic that answers how to report a missing person (data/faq/orang_hilang.yml).
PROCEDURE_TOPIC = "orang_hilang"
# The one that answers how to get a letter for a thing lost (data/faq/surat_kehilangan.yml).
LOSS_TOPIC = "surat_kehilangan"
# Words that ask how, where, what or whether, or put a case: the procedure asked
# ("lapornya kemana?", "kalau lansia hilang gimana"), not someone gone now.
ASKING = frozenset(
    "gimana gmn gmna bagaimana bgmn cara prosedur prosedr langkah apa ap apakah berapa brp "
    "kemana kmn dimana dmn harus hrs perlu syarat bisa bs kalau kalo klo klu misal how what "
    "where which can could should if procedure".split()
)


def is_missing_person(text: str) -> bool:
    """Whether the text tells of a person (PEOPLE) gone missing: not come home or unreachable
    (NOT_HOME), or lost (LOST) in a text that names no thing."""
    said = undoubled_words(text)
    if not _names_a_person(said):
        return False
    runs = phrases(said, _LONGEST)
    return bool(runs & NOT_HOME) or (bool(runs & LOST) and not _names_a_thing(said))


def is_a_thing_lost(text: str) -> bool:
    """Whether the text tells of a thing (THINGS) lost (LOST), naming no person gone missing
    ("saya wna, paspor saya hilang")."""
    said = undoubled_words(text)
    lost = not phrases(said, _LONGEST).isdisjoint(LOST)
    return lost and _names_a_thing(said) and not _names_a_person(said)


def asks_the_procedure(text: str) -> bool:
    """Whether the text asks (a question mark or a word of ASKING, maybe with -nya:
    "caranya"), in words other than those of not being home ("tidak bisa dihubungi")."""
    told = _NOT_HOME.sub(" ", " ".join(undoubled_words(text)))
    return "?" in text or _holds(told.split(), ASKING)


def _names_a_person(said: list[str]) -> bool:
    """A word of PEOPLE, not as a thing's owner ("hp anak saya")."""
    return any(
        word in PEOPLE and (n == 0 or said[n - 1] not in THINGS) for n, word in enumerate(said)
    )


def _names_a_thing(said: list[str]) -> bool:
    """A word of THINGS, maybe with -nya ("hpnya")."""
    return _holds(said, THINGS)


def _holds(said: list[str], vocabulary: frozenset[str]) -> bool:
    """Whether a word of the vocabulary is said, maybe with -nya."""
    return any(word.removesuffix("nya") in vocabulary for word in said)
