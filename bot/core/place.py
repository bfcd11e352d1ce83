"""Where a report says it happened: "di jalan sudirman", "depan indomaret", "di rumah saya",
"at the bus terminal". The crime report asks where exactly instead of asking afresh."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.when import time_start
from bot.core.words import phrase_alternatives

_LEADS = (
    "di depan", "di dpn", "di belakang", "di samping", "di dekat", "di dalam", "di dlm",
    "di seberang", "di sebelah", "di pinggir", "di ujung", "di sekitar", "di", "depan", "dpn",
    "dekat", "dkt", "deket", "samping", "belakang", "seberang", "sebelah", "pinggir",
    "in front of", "outside", "near",
    "at", "in", "on", "from",
    # Javanese
    "neng ngarep", "nang ngarep", "ning ngarep", "neng", "nang", "ning", "ngarep",
)  # fmt: skip
_PLACES = (
    # Indonesian
    "jalan", "jl", "jln", "gang", "gg", "pasar", "terminal", "stasiun", "halte", "parkiran",
    "parkir", "rumah", "kos", "kost", "kosan", "kontrakan", "kantor", "sekolah", "kampus",
    "masjid", "musholla", "mushola", "gereja", "toko", "warung", "minimarket", "indomaret",
    "alfamart", "alfamidi", "mall", "perumahan", "perum", "komplek", "kompleks", "desa",
    "kelurahan", "kecamatan", "kampung", "dusun", "lapangan", "taman", "pantai", "spbu", "pom",
    "atm", "bank", "jembatan", "perempatan", "pertigaan", "simpang", "bundaran", "tol",
    "angkot", "bus", "kereta", "krl", "hotel", "rs", "puskesmas", "klinik", "apotek", "bengkel",
    "sawah", "kebun", "gudang", "pabrik", "polsek", "polres", "pos", "gedung", "ruko",
    "bandara", "pelabuhan", "dermaga", "sungai", "makam", "kuburan", "cafe", "kafe", "restoran",
    "flyover", "underpass", "tikungan", "lampu merah", "rel", "trotoar",
    # Javanese
    "omah", "omahku", "dalan", "balai desa",
    # English
    "street", "road", "st", "avenue", "market", "station", "stop", "parking", "park", "school",
    "mosque", "church", "shop", "store", "house", "home", "office", "bridge", "beach",
    "village", "hospital", "train", "night market", "supermarket", "airport", "villa", "bar",
    "restaurant", "alley", "lobby", "temple",
)  # fmt: skip
# Words that end a place: the time ("tiap malam"), the next clause ("sampe luka", "mau lapor")
# or what it is like ("mati dari pagi"), a form of address ("pak", "min").
_ENDS = frozenset(
    "tadi td kemarin kemaren kmrn semalam smlm jam pukul pkl barusan pagi siang sore malam "
    "hari tanggal tgl waktu wktu pas saat ketika sekitar sktr tiap setiap yang yg dan terus "
    "trus lalu oleh sama pak bu min tolong tlg dari dr sejak sampai sampe ampe udah udh sudah "
    "sdh masih lagi ada mau bisa kok gimana gmn tanpa tapi tp padahal karena krn soalnya "
    "minta jual jualan pake pakai bawa nyuruh "
    "mati rusak macet bahaya gelap sepi rame ramai dicuri dicopet dijambret dibegal dirampok "
    "dipukul dipukuli dibobol diperbaiki dibenerin ditambal ditindak last yesterday today this "
    "around when while and by since until every each without but because wingi saiki bengi "
    "esuk".split()
)
_MORE_WORDS = 4  # after the kind of place: "jalan raya bogor km 30", "rumah saya"
_ABBREVIATION = 3  # a word this short may end in a dot: "no.", "jl.", "rt."


_LEAD = phrase_alternatives(_LEADS)
_KIND = phrase_alternatives(_PLACES)
_PLACE = re.compile(rf"(?<!\w)(?:{_LEAD})\s+(?:(?:the|a|my|our)\s+)?(?P<kind>{_KIND})\.?(?!\w)")
_NEXT_WORD = re.compile(r"\s+([\w/-]+(?:\.(?=\s|$))?)")
# How long or how often, which ends a place: "di depan rumah saya 3 hari gak dipindah".
_COUNT = re.compile(
    r"\s+\d+\s*(?:hari|hr|minggu|mgg|bulan|bln|tahun|thn|jam|menit|mnt|kali|x|days?|weeks?|"
    r"months?|years?|hours?|minutes?|times)(?!\w)"
)


@dataclass(frozen=True)
class PlaceSaid:
    phrase: str  # from its lead: "di jalan sudirman"
    name: str  # from its kind: "jalan sudirman"


def place_said(text: str) -> PlaceSaid | None:
    """The first place a text names, with up to four words after its kind ("di jalan
    sudirman no 5"), to a comma, a full stop or the time; None for none."""
    lowered = text.lower()
    match = _PLACE.search(lowered)
    if match is None:
        return None
    end = match.end()
    time = time_start(lowered, end)
    for _ in range(_MORE_WORDS):
        word = _NEXT_WORD.match(lowered, end)
        if word is None or word.group(1).rstrip(".") in _ENDS or word.start(1) == time:
            break
        if _COUNT.match(lowered, end):
            break
        end = word.end()
        if word.group(1).endswith(".") and len(word.group(1)) > _ABBREVIATION + 1:
            break  # a full stop
    phrase, name = (
        " ".join(lowered[start:end].rstrip(".").split())
        for start in (match.start(), match.start("kind"))
    )
    return PlaceSaid(phrase, name)
