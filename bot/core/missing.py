"""Someone gone missing: a word for a person and one for being gone ("anak sy blm pulang dari
semalam", "my daughter is lost in the crowd")."""

from __future__ import annotations

from bot.core.words import phrases, undoubled_words

PEOPLE = frozenset(
    "anak anakku adik adikku adek adk kakak kakakku ibu ibuku mama mamah emak bapak bapakku ayah "
    "papa suami suamiku istri istriku nenek kakek keponakan ponakan cucu putri putriku putra "
    "putraku teman temen pacar son daughter child kid boy girl wife husband mother mom mum "
    "father dad brother sister grandmother grandma grandfather grandpa friend nephew niece".split()
)
# Things a person word may follow as their owner: "hp anak saya hilang" is no person missing.
THINGS = frozenset(
    "hp handphone ponsel motor mobil sepeda tas dompet laptop uang kunci ktp sim stnk perhiasan "
    "emas kartu atm".split()
)
# Said of people only: not home, not back, no news.
NOT_HOME = frozenset(
    "belum pulang|blm pulang|tidak pulang|ga pulang|gak pulang|gk pulang|nggak pulang|"
    "belum balik|blm balik|ga balik|gak balik|tidak kembali|belum kembali|kabur dari rumah|"
    "tidak ada kabar|gak ada kabar|ga ada kabar|hilang kontak|ilang kontak|"
    "tidak bisa dihubungi|gak bisa dihubungi|ga bisa dihubungi|come home|"
    "not back|wandered off".split("|")
)
# Said of things too ("hp saya hilang"): missing only beside a word for a person.
GONE = NOT_HOME | {
    "hilang",
    "ilang",
    "belum ketemu",
    "blm ketemu",
    "missing",
    "lost",
    "disappeared",
}
_LONGEST = 3  # words in the longest phrase above


def is_missing_person(text: str) -> bool:
    """Whether the text tells of a person (PEOPLE) gone missing (GONE)."""
    return _names_a_person(text) and bool(phrases(text, _LONGEST) & GONE)


def has_not_come_home(text: str) -> bool:
    """Whether the text tells of a person who has not come home or cannot be reached
    (NOT_HOME): never of a thing."""
    return _names_a_person(text) and bool(phrases(text, _LONGEST) & NOT_HOME)


def _names_a_person(text: str) -> bool:
    """A word of PEOPLE, not as a thing's owner ("hp anak saya")."""
    said = undoubled_words(text)
    return any(
        word in PEOPLE and (n == 0 or said[n - 1] not in THINGS) for n, word in enumerate(said)
    )
