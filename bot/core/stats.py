"""Queue statistics for the dashboard: aggregates only, never a citizen's data."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.sla import SlaPolicy
from bot.core.types import Category
from bot.core.wib import WIB


@dataclass(frozen=True)
class TicketFacts:
    category: Category
    urgent: bool
    created_at: datetime
    first_response_at: datetime | None
    rating: int | None
    resolved: bool = False  # resolved or closed


@dataclass(frozen=True)
class Stats:
    days: tuple[date, ...]
    per_day: dict[Category, tuple[int, ...]]  # tickets per category on each of `days`
    total: int
    answered: int
    median_first_response_minutes: float | None
    sla_due: int  # answered, or past their first-response deadline unanswered
    sla_met: int  # answered on time, of `sla_due`
    ratings: tuple[int, ...]  # how many 1..5 ratings

    @property
    def sla_compliance(self) -> float | None:
        return self.sla_met / self.sla_due if self.sla_due else None

    @property
    def average_rating(self) -> float | None:
        count = sum(self.ratings)
        return sum(n * (i + 1) for i, n in enumerate(self.ratings)) / count if count else None


def compute(tickets: Sequence[TicketFacts], sla: SlaPolicy, now: datetime, span_days: int) -> Stats:
    """Tickets created in the `span_days` days up to `now` (WIB dates). A ticket still
    unanswered past its deadline counts against the SLA; one not yet due does not count."""
    today = now.astimezone(WIB).date()
    days = tuple(today - timedelta(days=n) for n in reversed(range(span_days)))
    counts = Counter((t.category, t.created_at.astimezone(WIB).date()) for t in tickets)
    answered = [t for t in tickets if t.first_response_at is not None]
    minutes = [
        (t.first_response_at - t.created_at).total_seconds() / 60
        for t in answered
        if t.first_response_at is not None
    ]
    deadlines = [(t, sla.due(t.category, t.urgent, t.created_at)) for t in tickets]
    due = [(t, at) for t, at in deadlines if t.first_response_at is not None or at < now]
    on_time = sum(
        1 for t, at in due if t.first_response_at is not None and t.first_response_at <= at
    )
    ratings = Counter(t.rating for t in tickets if t.rating)
    return Stats(
        days=days,
        per_day={c: tuple(counts[(c, d)] for d in days) for c in Category},
        total=len(tickets),
        answered=len(answered),
        median_first_response_minutes=statistics.median(minutes) if minutes else None,
        sla_due=len(due),
        sla_met=on_time,
        ratings=tuple(ratings[score] for score in range(1, 6)),
    )


@dataclass(frozen=True)
class MonthFigures:
    """One calendar month (WIB) for the public transparency page."""

    month: date  # its first day
    messages: int  # citizens' messages received
    tickets: dict[Category, int]
    median_first_response_minutes: float | None
    sla_compliance: float | None
    resolved_share: float | None
    average_rating: float | None

    @property
    def total_tickets(self) -> int:
        return sum(self.tickets.values())


def months_before(today: date, count: int) -> tuple[date, ...]:
    """The first days of the `count` months up to and including today's, oldest first."""
    firsts = [today.replace(day=1)]
    while len(firsts) < count:
        firsts.append((firsts[-1] - timedelta(days=1)).replace(day=1))
    return tuple(reversed(firsts))


def monthly(
    tickets: Sequence[TicketFacts],
    messages: dict[date, int],
    sla: SlaPolicy,
    months: Sequence[date],
    now: datetime,
) -> list[MonthFigures]:
    """`tickets` bucketed by the WIB month they were created in; `messages` per month."""
    by_month: dict[date, list[TicketFacts]] = {month: [] for month in months}
    for ticket in tickets:
        month = ticket.created_at.astimezone(WIB).date().replace(day=1)
        if month in by_month:
            by_month[month].append(ticket)
    figures = []
    for month, chosen in by_month.items():
        summary = compute(chosen, sla, now, 1)
        figures.append(
            MonthFigures(
                month=month,
                messages=messages.get(month, 0),
                tickets={c: sum(t.category is c for t in chosen) for c in Category},
                median_first_response_minutes=summary.median_first_response_minutes,
                sla_compliance=summary.sla_compliance,
                resolved_share=sum(t.resolved for t in chosen) / len(chosen) if chosen else None,
                average_rating=summary.average_rating,
            )
        )
    return figures
