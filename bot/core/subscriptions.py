"""Broadcast topics citizens subscribe to, and reading `/langganan <topic> [kecamatan]`."""

from __future__ import annotations

from dataclasses import dataclass

# Topic keys are stable: commands, buttons and stored subscriptions use them.
TOPICS = ("bencana", "kamtibmas", "lalu_lintas", "narkoba", "info")
# Broadcasts need a channel that can reach a citizen unasked (not the web chat or the console).
BROADCAST_CHANNELS = ("telegram", "whatsapp")
ALL = "semua"
_ALIASES = {
    "disaster": "bencana",
    "alert": "bencana",
    "safety": "kamtibmas",
    "keamanan": "kamtibmas",
    "traffic": "lalu_lintas",
    "lalulintas": "lalu_lintas",
    "lantas": "lalu_lintas",
    "drugs": "narkoba",
    "narkotika": "narkoba",
    "announcements": "info",
    "all": ALL,
}
_AREA_PREFIXES = ("kecamatan ", "kec. ", "kec ")


@dataclass(frozen=True)
class TopicRequest:
    topic: str | None  # a key of TOPICS, ALL, or None when none was named
    area: str | None = None  # lower case, without "kecamatan"
    unknown: str | None = None  # what the citizen typed when it names no topic


def read_topic(arguments: str) -> TopicRequest:
    """'Lalu-Lintas Kec. Sleman' → lalu_lintas in 'sleman'; '' → no topic."""
    words = arguments.strip().lower().split(maxsplit=1)
    if not words:
        return TopicRequest(None)
    key = words[0].replace("-", "_")
    topic = _ALIASES.get(key, key)
    if topic not in TOPICS and topic != ALL:
        return TopicRequest(None, unknown=words[0])
    return TopicRequest(topic, area_of(words[1]) if len(words) > 1 else None)


def area_of(text: str) -> str | None:
    area = " ".join(text.lower().split())
    for prefix in _AREA_PREFIXES:
        area = area.removeprefix(prefix)
    return area[:100] or None
