"""An officer asking a citizen for money ("polisi minta duit biar ga ditilang", "pas razia
dimintai uang 200rb sama oknum polisi", "the police stopped me and asked for 1 million rupiah
cash"): the NLU reads it as the traffic-ticket question, a report to make or unsure; it is a
complaint about an officer, whose answer says where it goes (Propam) and offers to file it here.
Not someone posing as police (bot/core/impostors.py): that is a scam."""

from __future__ import annotations

from bot.core.impostors import POSING
from bot.core.words import phrases, undoubled_words

OFFICERS = frozenset(
    "polisi|polantas|satlantas|oknum|oknum polisi|petugas|aparat|pak polisi|police|policeman|"
    "police officer|officer|officers|cop|cops|traffic police".split("|")
)
ASKING_MONEY = frozenset(
    "minta uang|minta duit|mintain uang|mintain duit|dimintai uang|dimintain uang|dimintai duit|"
    "dimintain duit|uang damai|duit damai|uang rokok|uang kopi|pungli|pungutan liar|peras|"
    "memeras|diperas|pemerasan|suap|disuap|nyogok|sogok|disogok|damai di tempat|"
    # fines are paid at a bank, never in cash to an officer
    "cash|asked for money|asked me for money|wanted money|bribe|bribery|extortion|extorted".split(
        "|"
    )
)
# Paid at a bank: a fine, not money for an officer ("polisi minta uang tilang dibayar di BRI").
AT_A_BANK = frozenset("bank|bri|briva|atm|teller".split("|"))
# The FAQ topic that tells how to complain about an officer (data/faq/pengaduan_petugas.yml).
COMPLAINT_TOPIC = "pengaduan_petugas"
_LONGEST = max(len(p.split()) for p in OFFICERS | ASKING_MONEY | POSING)


def tells_of_an_officer_asking_money(text: str) -> bool:
    """Whether the text tells of an officer (OFFICERS) asking for money (ASKING_MONEY), not of
    someone posing as one (POSING) nor of a fine paid at a bank (AT_A_BANK)."""
    runs = phrases(undoubled_words(text), _LONGEST)
    told = not runs.isdisjoint(OFFICERS) and not runs.isdisjoint(ASKING_MONEY)
    return told and runs.isdisjoint(POSING) and runs.isdisjoint(AT_A_BANK)
