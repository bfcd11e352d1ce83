"""A gas leak now ("gas elpiji bocor di rumah tetangga, baunya nyengat", "I smell gas in my
building"): danger now, which the NLU was unsure of; the citizen must get away from it before
anything else. "Gas" alone is also slang for "go", so the gas is named with its leak or as a
cylinder, stove or hose of it."""

from __future__ import annotations

from bot.core.when import time_said
from bot.core.words import CASE_PUT, phrases, undoubled_words

# A leak said with the gas itself.
GAS_LEAKING = frozenset(
    "gas bocor|gasnya bocor|kebocoran gas|bau gas|kecium bau gas|tercium bau gas|"
    "nyium bau gas|gas leak|gas leaking|leaking gas|smell gas|smell of gas|smells of gas|"
    "smelled gas".split("|")
)
# A gas cylinder, stove or hose, and a word of its leaking.
GAS_THINGS = frozenset(
    "elpiji|lpg|tabung gas|kompor gas|selang gas|regulator gas|gas cylinder|gas tank|gas stove|"
    "gas pipe".split("|")
)
LEAKING = frozenset("bocor|bocornya|kebocoran|mendesis|desis|leak|leaks|leaking|hissing".split("|"))
# A case put ("kalau gas bocor harus gimana?") or a leak mended already.
NOT_NOW = CASE_PUT | frozenset(
    "cara|how to|sudah diperbaiki|udah diperbaiki|sudah aman|udah aman|sudah ditangani|udah ditangani|"
    "was fixed|is fixed".split("|")
)
_LONGEST = max(len(p.split()) for p in GAS_LEAKING | GAS_THINGS | LEAKING | NOT_NOW)


def tells_of_a_gas_leak(text: str) -> bool:
    """Whether the text tells of gas leaking (GAS_LEAKING, or GAS_THINGS and LEAKING) today:
    not as a case put or mended already (NOT_NOW), nor on an earlier day."""
    runs = phrases(undoubled_words(text), _LONGEST)
    leaking = not runs.isdisjoint(GAS_LEAKING) or (
        not runs.isdisjoint(GAS_THINGS) and not runs.isdisjoint(LEAKING)
    )
    if not leaking or not runs.isdisjoint(NOT_NOW):
        return False
    said_when = time_said(text)
    return said_when is None or not said_when.earlier
