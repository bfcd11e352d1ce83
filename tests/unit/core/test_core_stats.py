"""Dashboard statistics from ticket facts."""

from datetime import UTC, date, datetime, timedelta

from bot.core.sla import SlaPolicy
from bot.core.stats import TicketFacts, compute, monthly, months_before
from bot.core.types import Category

SLA = SlaPolicy.parse(
    {"urgent": "5m", "crime_report": "1h", "question": "4h", "feedback": "3wd", "other": "4h"}
)
TODAY = date(2026, 11, 25)
MORNING = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 09:00 WIB
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 15:00 WIB


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
    stats = compute(tickets, SLA, NOW, span_days=3)

    assert stats.days == (date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25))
    assert stats.per_day[Category.CRIME_REPORT] == (0, 0, 2)
    assert stats.per_day[Category.QUESTION] == (0, 1, 0)
    assert stats.per_day[Category.FEEDBACK] == (1, 0, 0)
    # The feedback, unanswered, is within its 3 working days: not judged yet.
    assert (stats.total, stats.answered, stats.sla_due, stats.sla_met) == (4, 3, 3, 2)
    assert stats.median_first_response_minutes == 30
    assert stats.sla_compliance == 2 / 3
    assert stats.ratings == (0, 0, 1, 1, 1)
    assert stats.average_rating == 4.0


def test_an_unanswered_ticket_past_its_deadline_counts_against_the_sla() -> None:
    tickets = [
        facts(Category.CRIME_REPORT, MORNING, timedelta(minutes=3), urgent=True),
        facts(Category.CRIME_REPORT, MORNING, None, urgent=True),  # 5 minutes: overdue
        facts(Category.QUESTION, NOW - timedelta(hours=1), None),  # 4 hours: not yet due
    ]
    stats = compute(tickets, SLA, NOW, span_days=1)

    assert (stats.answered, stats.sla_due, stats.sla_met) == (1, 2, 1)
    assert stats.sla_compliance == 0.5


def test_no_tickets_has_no_rates() -> None:
    stats = compute([], SLA, NOW, span_days=7)
    assert stats.total == 0
    assert stats.median_first_response_minutes is None
    assert stats.sla_compliance is None
    assert stats.average_rating is None
    assert len(stats.days) == 7


def test_months_before_go_back_across_the_year() -> None:
    assert months_before(date(2026, 2, 14), 4) == (
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    )


def test_monthly_figures_bucket_by_the_wib_month() -> None:
    late_october_utc = datetime(2026, 10, 31, 18, 0, tzinfo=UTC)  # 1 November 01:00 WIB
    october = datetime(2026, 10, 10, 2, 0, tzinfo=UTC)
    tickets = [
        facts(Category.CRIME_REPORT, late_october_utc, timedelta(minutes=20), rating=4),
        facts(Category.QUESTION, MORNING, timedelta(hours=5), rating=2),  # late
        TicketFacts(Category.QUESTION, False, MORNING, None, None, resolved=True),
        facts(Category.FEEDBACK, october, None),
    ]
    months = months_before(TODAY, 2)
    [oct_, nov] = monthly(tickets, {date(2026, 11, 1): 40}, SLA, months, NOW)

    assert (oct_.month, oct_.messages, oct_.total_tickets) == (date(2026, 10, 1), 0, 1)
    assert oct_.tickets[Category.FEEDBACK] == 1
    assert oct_.median_first_response_minutes is None
    assert oct_.resolved_share == 0.0
    assert (nov.messages, nov.total_tickets) == (40, 3)
    assert (nov.tickets[Category.CRIME_REPORT], nov.tickets[Category.QUESTION]) == (1, 2)
    assert nov.median_first_response_minutes == (20 + 300) / 2
    assert nov.sla_compliance == 1 / 3  # the question closed with no response is overdue
    assert nov.resolved_share == 1 / 3
    assert nov.average_rating == 3.0
