"""When a report says it happened: "tadi malam sekitar jam 11", "kemarin sore", "barusan",
"last night at 11pm". The crime report reads it so it does not ask "Kapan?" about what the
citizen has already said; the emergency rules, whether it names a day before today
(EmergencyKeywords.in_the_past)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TimeSaid:
    phrase: str  # the words as written, in order: "tadi malam sekitar jam 11"
    exact: bool  # an hour or "just now": nothing more to ask; else only the day is known
    earlier: bool = False  # a day before today: "kemarin", "semalam", "2 hari lalu", a date


def _any(*alternatives: str) -> str:
    return f"(?:{'|'.join(alternatives)})"


_SPACE = r"\s+"
_PART_ID = _any("pagi", "pgi", "siang", "sore", "malam", "malem", "mlm", "subuh", "dini hari")
_MONTH = _any(
    "januari", "jan", "februari", "pebruari", "feb", "maret", "mar", "april", "apr", "mei",
    "may", "juni", "june", "jun", "juli", "july", "jul", "agustus", "agus", "agu", "agt",
    "august", "aug", "september", "sept", "sep", "oktober", "october", "okt", "oct",
    "november", "nopember", "nov", "desember", "december", "des", "dec",
)  # fmt: skip
_WEEKDAY_ID = _any("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu")
_WEEKDAY_EN = _any("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBER = _any(r"\d{1,2}", "satu", "dua", "tiga", "empat", "lima", "one", "two", "three")
_AGO_ID = _any("yang lalu", "yg lalu", "lalu", "tadi", "kemarin")
_ABOUT = _any("sekitar", "sktr", "skitar", "kira2", "kira-kira", "kurang lebih", "kurleb", "around")

_EXACT = _any(
    # an hour: "jam 11", "jam 4an", "pukul 23.15 wib", "sekitar jam 9 malam", "11.30", "11pm",
    # "at 9"
    rf"(?:{_ABOUT}{_SPACE})?(?:jam|jm|pukul|pkl)\s*\d{{1,2}}(?:[.:]\d{{2}}|an)?"
    rf"(?:{_SPACE}(?:{_PART_ID}|wib|wita|wit))?",
    r"\d{1,2}[.:]\d{2}(?:\s*(?:wib|wita|wit|am|pm))?",
    r"\d{1,2}\s*(?:am|pm)",
    rf"at{_SPACE}\d{{1,2}}(?::\d{{2}})?",
    # just now, or minutes or hours ago
    "barusan", "baru saja", "baru aja", "br aja", "just now",
    rf"{_NUMBER}{_SPACE}(?:menit|mnt|jam){_SPACE}{_AGO_ID}",
    rf"(?:{_NUMBER}|a few|an){_SPACE}(?:minutes?|hours?){_SPACE}ago",
)  # fmt: skip
_TODAY = _any(
    rf"(?:tadi|td|tdi){_SPACE}{_PART_ID}", "hari ini", "today", "tonight",
    rf"{_PART_ID}{_SPACE}(?:ini|tadi)", r"this\s+(?:morning|afternoon|evening)",
)  # fmt: skip
_EARLIER = _any(
    rf"(?:tadi|td|tdi){_SPACE}(?:malam|malem|mlm)", rf"(?:malam|malem|mlm){_SPACE}tadi",
    rf"(?:kemarin|kemaren|kmrn|kmarin|kmren|kemrin|yesterday)(?:{_SPACE}(?:{_PART_ID}|morning|afternoon|evening|night))?",
    "semalam", "semalem", "smlm", "smalam", "semlm", "last night",
    rf"{_NUMBER}{_SPACE}(?:hari|hr|minggu|mgg|bulan|bln){_SPACE}{_AGO_ID}",
    rf"(?:{_NUMBER}|a){_SPACE}(?:days?|weeks?|months?){_SPACE}ago",
    rf"(?:minggu|bulan|tahun){_SPACE}(?:lalu|kemarin|kemaren|kmrn)", r"last\s+(?:week|month)",
    rf"(?:hari{_SPACE})?{_WEEKDAY_ID}(?:{_SPACE}{_PART_ID})?",
    rf"hari{_SPACE}minggu(?:{_SPACE}{_PART_ID})?", rf"minggu{_SPACE}{_PART_ID}",
    rf"(?:on|last){_SPACE}{_WEEKDAY_EN}", rf"{_WEEKDAY_EN}(?:{_SPACE}(?:morning|afternoon|evening|night))?",
    rf"(?:(?:tanggal|tgl){_SPACE})?\d{{1,2}}{_SPACE}{_MONTH}", rf"{_MONTH}{_SPACE}\d{{1,2}}",
    rf"(?:tanggal|tgl){_SPACE}\d{{1,2}}", r"\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})",
)  # fmt: skip
# Since some days: an earlier day, and for something that lasts as exact as it will be said.
_SINCE = (
    rf"(?:dari|sejak|udah|udh|sudah|sdh|selama|for){_SPACE}(?:{_NUMBER}|beberapa|a few)"
    rf"{_SPACE}(?:hari|hr|minggu|mgg|bulan|bln|days|weeks|months)"
)
# Words beside a time that add nothing to it ("kira2 jam 9 pak").
_FILLER = frozenset(
    "kira kira2 kurang lebih an pak bu mas mbak kak min sih ya deh kayaknya kyknya mungkin "
    "about approximately roughly maybe".split()
)
_TIME = re.compile(
    rf"(?<![\w.:/-])(?:(?P<exact>{_EXACT})|(?P<since>{_SINCE})|(?P<earlier>{_EARLIER})|{_TODAY})"
    r"(?![\w:/-]|[.]\d)"
)


def time_start(text: str, start: int = 0) -> int | None:
    """Where the first time words from `start` of a lowercase text begin; None for none."""
    match = _TIME.search(text, start)
    return match.start() if match else None


def only_time(text: str) -> bool:
    """Whether a text says when and nothing more ("sekitar jam 2 pagi", "tadi malam pak")."""
    rest, times = _TIME.subn(" ", text.lower())
    return times > 0 and set(re.findall(r"\w+", rest)) <= _FILLER


def time_said(text: str) -> TimeSaid | None:
    """The time words of a text, all of them in the order written; None when there are none."""
    found = list(_TIME.finditer(text.lower()))
    if not found:
        return None
    phrase = " ".join(" ".join(match.group().split()) for match in found)
    return TimeSaid(
        phrase,
        exact=any(match.group("exact") or match.group("since") for match in found),
        earlier=any(match.group("earlier") or match.group("since") for match in found),
    )
