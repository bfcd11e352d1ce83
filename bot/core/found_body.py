"""A body found ("mayat ditemukan di sungai belakang desa", "ada mayat mengapung di waduk",
"found a dead body near the river"): the police must come at once and the place be left as it
is, however the NLU reads it (it took the first for a question to an officer, the second for a
complaint about one)."""

from __future__ import annotations

from bot.core.when import time_said
from bot.core.words import CASE_PUT, phrases, undoubled_words

BODIES = frozenset("mayat|mayit|jenazah|jasad|orang mati|dead body|corpse|a body|bodies".split("|"))
# Words of finding one, said anywhere in the text ("mayat ditemukan", "nemu jenazah bayi").
FOUND = frozenset(
    "ditemukan|menemukan|nemu|nemuin|ketemu|terdapat|mengapung|terapung|ngambang|tergeletak|"
    "terkapar|membusuk|bergelimpangan|found|discovered|floating|lying".split("|")
)
# "ada" only right before the body: "ada mayat di kebun", not "ada biaya ambil jenazah?".
THERE_IS = frozenset(
    f"{lead} {body}"
    for lead in ("ada", "ada sesosok", "there is", "there s", "theres", "there is a", "there s a")
    for body in BODIES
)
# A case put ("kalau menemukan mayat lapor kemana?") or a body already taken away.
NOT_NOW = CASE_PUT | frozenset(
    "dievakuasi|sudah diangkat|udah diangkat|sudah dibawa|udah dibawa|sudah diurus|udah diurus|"
    "sudah ditangani|udah ditangani|was taken away|has been taken".split("|")
)
_LONGEST = max(len(p.split()) for p in BODIES | FOUND | THERE_IS | NOT_NOW)


def tells_of_a_body_found(text: str) -> bool:
    """Whether the text tells of a body found (BODIES and a word of FOUND, or "ada" right
    before it), today: not as a case put, taken away already (NOT_NOW) or on an earlier day."""
    said = undoubled_words(text)
    runs = phrases(said, _LONGEST)
    if runs.isdisjoint(BODIES) or not runs.isdisjoint(NOT_NOW):
        return False
    if runs.isdisjoint(FOUND) and runs.isdisjoint(THERE_IS):
        return False
    said_when = time_said(text)
    return said_when is None or not said_when.earlier
