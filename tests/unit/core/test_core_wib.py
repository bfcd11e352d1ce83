from datetime import UTC, datetime, timedelta, timezone

from bot.core.wib import format_wib


def test_utc_midnight_is_seven_in_the_morning_wib() -> None:
    assert format_wib(datetime(2026, 1, 1, 0, 0, tzinfo=UTC)) == "01/01/2026 07:00 WIB"


def test_late_utc_evening_is_the_next_day_in_wib() -> None:
    assert format_wib(datetime(2025, 12, 31, 18, 30, tzinfo=UTC)) == "01/01/2026 01:30 WIB"


def test_other_time_zones_are_converted() -> None:
    tokyo = timezone(timedelta(hours=9))
    assert format_wib(datetime(2026, 3, 5, 9, 15, tzinfo=tokyo)) == "05/03/2026 07:15 WIB"
