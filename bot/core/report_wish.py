"""A citizen saying they want to report ("saya mau lapor pencurian", "I want to report a
theft"): the NLU reads it as the question how to make a police report (0.96), whose answer
sends them to the station, while this chat takes reports itself. Not a question put ("kalau mau
lapor pencurian bawa apa aja?", "where do I report a theft?")."""

from __future__ import annotations

from bot.core.words import CASE_PUT, spans, undoubled_words

LEADS = frozenset(
    "mau lapor|mau melapor|mau melaporkan|mau laporin|mau ngelapor|mau ngelaporin|ingin lapor|"
    "ingin melapor|ingin melaporkan|pengen lapor|pengin lapor|pingin lapor|hendak melapor|"
    "hendak melaporkan|mau bikin laporan|mau buat laporan|mau membuat laporan|"
    "ingin membuat laporan|want to report|would like to report|d like to report|wanna report|"
    "need to report|want to file a report|want to make a report".split("|")
)
LEAD_WITHIN = 6  # words before the lead, at most ("selamat pagi pak, saya ingin melaporkan…")
# Words asking how, where or with what: the procedure asked, which its answer tells.
ASKING = frozenset(
    "gimana gmn gmna bagaimana bgmn cara caranya prosedur prosedurnya langkah syarat syaratnya "
    "bawa kemana kmn dimana dmn how where procedure bring".split()
)
# The FAQ topics a wish to report is read as (data/faq/): how to report, online scams.
READ_AS = frozenset({"prosedur_laporan", "penipuan_online"})
KIND_WORDS = 3  # at most this many words name only a kind of crime ("pencurian")
# Words before a lead that tell nothing of what happened ("pak, saya ingin…"); of a greeting
# ("selamat pagi") one word stays, which KIND_WORDS allows for.
COURTESY = frozenset(
    "saya sy aku gw gue kami i we pak bu bapak ibu min mas mbak kak bang gan halo hai hi hello "
    "selamat assalamualaikum permisi maaf mohon izin ijin good sir madam".split()
)


def wants_to_report(text: str) -> bool:
    """Whether the text says the citizen wants to report, asking nothing."""
    return _told(undoubled_words(text)) is not None


def names_only_the_kind(text: str) -> bool:
    """Whether the text says the citizen wants to report and names at most a kind of crime
    ("saya mau lapor pencurian"), not what happened."""
    told = _told(undoubled_words(text))
    return told is not None and len(told) <= KIND_WORDS


def _told(said: list[str]) -> list[str] | None:
    """The words other than a lead said near the start and courtesies before it, or None when
    there is no lead or the text asks (ASKING) or puts a case before it (CASE_PUT: "kalau mau
    lapor…")."""
    if not ASKING.isdisjoint(word.removesuffix("nya") for word in said):
        return None
    lead = next(spans(said, LEADS), None)
    if lead is None or lead[0] > LEAD_WITHIN or CASE_PUT.intersection(said[: lead[0]]):
        return None
    start, end = lead
    return [word for word in said[:start] if word not in COURTESY] + said[end:]
