"""Evacuation points, the nearest ones to a citizen, and the disaster alerts admins switch on."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.types import Location

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class EvacuationPoint:
    name: str
    kecamatan: str
    kind: str  # barak pengungsian, titik kumpul, posko…
    location: Location
    capacity: int | None = None


@dataclass(frozen=True)
class DisasterAlert:
    """Disaster mode, on for an area (None: the whole district) with the office's message."""

    area: str | None
    texts: Mapping[str, str]  # language → message
    started_at: datetime


def distance_km(a: Location, b: Location) -> float:
    """Great-circle distance (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def nearest(
    points: Sequence[EvacuationPoint], here: Location, count: int = 3
) -> list[tuple[EvacuationPoint, float]]:
    ranked = sorted(((p, distance_km(here, p.location)) for p in points), key=lambda pd: pd[1])
    return ranked[:count]


def in_kecamatan(points: Sequence[EvacuationPoint], text: str) -> list[EvacuationPoint]:
    """The points of the kecamatan the text names, if it names one."""
    words = f" {' '.join(text.lower().split())} "
    return [p for p in points if f" {p.kecamatan.lower()} " in words]


def map_link(location: Location) -> str:
    return (
        "https://www.google.com/maps/search/?api=1&query="
        f"{location.latitude:.5f},{location.longitude:.5f}"
    )
