"""A request to mend public works ("tolong lampu jalan di depan polsek diperbaiki", "jalan
berlubang depan sekolah, tolong ditindak", "jalanan depan rumah rusak parah"): the NLU reads many
as emergencies; they are a matter to report, which the office passes on, unless someone is
hurt."""

from __future__ import annotations

from bot.core.words import phrases, undoubled_words

WORKS = frozenset(
    "lampu jalan|lampu penerangan|penerangan jalan|pju|lampu merah|lampu lalu lintas|lampu lalin|"
    "bangjo|jalan rusak|jalan berlubang|jalan bolong|jalan retak|lubang jalan|aspal|trotoar|"
    "selokan|got mampet|got tersumbat|gorong|drainase|saluran air|rambu|marka|street light|"
    "streetlight|street lamp|traffic light|traffic lights|pothole|potholes|road sign".split("|")
)
# Broken, or asked to be mended.
MEND = frozenset(
    "perbaiki|diperbaiki|perbaikan|benerin|dibenerin|betulin|dibetulin|dibetulkan|dibenahi|"
    "tambal|ditambal|rusak|mati|padam|berlubang|bolong|retak|mampet|tersumbat|hilang|roboh|"
    "fix|fixed|repair|repaired|broken|damaged|blocked|out".split("|")
)
# Someone hurt, or danger beside the broken thing: then it is no mere repair.
HARM = frozenset(
    "kecelakaan|tabrakan|ketabrak|ditabrak|nabrak|luka|terluka|korban|jatuh|terjatuh|tewas|"
    "meninggal|kesetrum|tersetrum|pingsan|berdarah|mencurigakan|maling|begal|rampok|jambret|"
    "accident|crash|injured|hurt|fell|dead|died|electrocuted|bleeding|suspicious".split("|")
)
_LONGEST = 3  # words in the longest phrase above
# A road, and damage said of it a few words on ("jalanan depan rumah rusak parah").
ROADS = frozenset("jalan|jalanan|jln|jl|road|street".split("|"))
ROAD_DAMAGE = frozenset(
    "rusak|berlubang|bolong|lubang|retak|ambles|amblas|hancur|potholes|damaged|broken".split("|")
)
_ROAD_TO_DAMAGE = 5  # words from the road to its damage, at most


def asks_to_mend_public_works(text: str) -> bool:
    """Whether the text names public works (WORKS) broken or to be mended (MEND), or a damaged
    road, and no harm (HARM)."""
    said = undoubled_words(text)
    runs = phrases(said, _LONGEST)
    named = (bool(runs & WORKS) and bool(runs & MEND)) or _road_damaged(said)
    return named and not runs & HARM


def _road_damaged(said: list[str]) -> bool:
    """Whether a road word is followed, within a few words, by a word of its damage."""
    return any(
        word in ROADS and ROAD_DAMAGE.intersection(said[at + 1 : at + 1 + _ROAD_TO_DAMAGE])
        for at, word in enumerate(said)
    )
