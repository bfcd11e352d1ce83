"""First-response deadlines."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.sla import SlaPolicy, Span, parse_span
from bot.core.types import Category

POLICY = SlaPolicy.parse(
    {"urgent": "5m", "crime_report": "1h", "question": "4h", "feedback": "3wd", "other": "4h"}
)
# Wednesday 25 November 2026, 10:00 WIB.
WEDNESDAY = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "span"), [("5m", Span(5, "m")), ("1h", Span(1, "h")), (" 3wd ", Span(3, "wd"))]
)
def test_parse(text: str, span: Span) -> None:
    assert parse_span(text) == span


@pytest.mark.parametrize("text", ["", "5", "0m", "2d", "-1h", "1.5h"])
def test_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        parse_span(text)


def test_urgent_beats_the_category() -> None:
    due = POLICY.due(Category.CRIME_REPORT, True, WEDNESDAY)
    assert due == WEDNESDAY + timedelta(minutes=5)
    assert POLICY.due(Category.CRIME_REPORT, False, WEDNESDAY) == WEDNESDAY + timedelta(hours=1)


def test_working_days_skip_the_weekend_in_wib() -> None:
    # Wednesday + 3 working days = Monday, same time of day.
    assert POLICY.due(Category.FEEDBACK, False, WEDNESDAY) == datetime(
        2026, 11, 30, 3, 0, tzinfo=UTC
    )
    # Friday 23:30 WIB is still Friday in WIB (16:30 UTC): + 1 working day = Monday.
    friday_night = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    assert Span(1, "wd").after(friday_night) == datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
