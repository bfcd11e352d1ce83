"""First-response deadlines: urgent first, then per category, in minutes, hours or working days."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.types import Category
from bot.core.wib import WIB

_SPAN = re.compile(r"(\d+)\s*(m|h|wd)")
UNITS = {"m": "minutes", "h": "hours", "wd": "working days (Monday to Friday, WIB)"}


@dataclass(frozen=True)
class Span:
    amount: int
    unit: str  # a key of UNITS

    def after(self, start: datetime) -> datetime:
        if self.unit == "m":
            return start + timedelta(minutes=self.amount)
        if self.unit == "h":
            return start + timedelta(hours=self.amount)
        moment, left = start.astimezone(WIB), self.amount
        while left:
            moment += timedelta(days=1)
            left -= moment.weekday() < 5
        return moment.astimezone(start.tzinfo)


def parse_span(text: str) -> Span:
    """'5m', '1h' or '3wd'; raises ValueError otherwise."""
    match = _SPAN.fullmatch(text.strip())
    if match is None or int(match.group(1)) < 1:
        raise ValueError(f"{text!r}: expected e.g. 5m, 4h or 3wd (working days)")
    return Span(int(match.group(1)), match.group(2))


@dataclass(frozen=True)
class SlaPolicy:
    """`spans` has one entry per category and one for "urgent"."""

    spans: Mapping[str, Span]

    @classmethod
    def parse(cls, config: Mapping[str, str]) -> SlaPolicy:
        return cls({key: parse_span(value) for key, value in config.items()})

    def due(self, category: Category, urgent: bool, created_at: datetime) -> datetime:
        return self.spans["urgent" if urgent else category.value].after(created_at)
