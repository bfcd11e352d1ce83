"""Dashboard statistics from ticket facts."""

from datetime import UTC, date, datetime, timedelta

from bot.core.sla import SlaPolicy
from bot.core.stats import TicketFacts, compute
from bot.core.types import Category

SLA = SlaPolicy.parse(
    {"urgent": "5m", "crime_report": "1h", "question": "4h", "feedback": "3wd", "other": "4h"}
)
TODAY = date(2026, 11, 25)
MORNING = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 09:00 WIB


def facts(
    category: Category,
    created: datetime,
    answered_after: timedelta | None,
    urgent: bool = False,
    rating: int | None = None,
) -> TicketFacts:
    first = created + answered_after if answered_after is not None else None
    return TicketFacts(category, urgent, created, first, rating)


def test_counts_median_sla_and_ratings() -> None:
    tickets = [
        facts(Category.CRIME_REPORT, MORNING, timedelta(minutes=3), urgent=True, rating=5),
        facts(Category.CRIME_REPORT, MORNING, timedelta(minutes=90), rating=3),  # late
        facts(Category.QUESTION, MORNING - timedelta(days=1), timedelta(minutes=30), rating=4),
        facts(Category.FEEDBACK, MORNING - timedelta(days=2), None),
    ]
    stats = compute(tickets, SLA, TODAY, span_days=3)

    assert stats.days == (date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25))
    assert stats.per_day[Category.CRIME_REPORT] == (0, 0, 2)
    assert stats.per_day[Category.QUESTION] == (0, 1, 0)
    assert stats.per_day[Category.FEEDBACK] == (1, 0, 0)
    assert (stats.total, stats.answered, stats.sla_met) == (4, 3, 2)
    assert stats.median_first_response_minutes == 30
    assert stats.sla_compliance == 2 / 3
    assert stats.ratings == (0, 0, 1, 1, 1)
    assert stats.average_rating == 4.0


def test_no_tickets_has_no_rates() -> None:
    stats = compute([], SLA, TODAY, span_days=7)
    assert stats.total == 0
    assert stats.median_first_response_minutes is None
    assert stats.sla_compliance is None
    assert stats.average_rating is None
    assert len(stats.days) == 7
