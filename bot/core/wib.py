"""Times are stored in UTC and shown to people in Western Indonesia Time (WIB)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def parse_wib(text: str) -> datetime:
    """'2026-12-01 07:00' or a datetime-local field's '2026-12-01T07:00', read as WIB; raises
    ValueError."""
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


def format_wib(moment: datetime) -> str:
    return moment.astimezone(WIB).strftime("%d/%m/%Y %H:%M WIB")
