"""Times are stored in UTC and shown to people in Western Indonesia Time (WIB)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def format_wib(moment: datetime) -> str:
    return moment.astimezone(WIB).strftime("%d/%m/%Y %H:%M WIB")
