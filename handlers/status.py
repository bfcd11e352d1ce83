"""The status of the citizen's own tickets — never of another chat's."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.router import ticket_asked_after
from bot.core.tickets import find_ticket_code
from bot.core.types import Outcome, Reply, TicketSummary
from bot.core.wib import format_wib
from handlers.common import action_button, menu_buttons, officer_button

LISTED = 5


def handle(context: Context) -> Outcome:
    code = find_ticket_code(context.text)
    if code is None and (waiting := ticket_asked_after(context.tickets, context.text)):
        return _still_waiting(context, waiting)
    if code is not None:
        ticket = next((t for t in context.tickets if t.code == code), None)
        text = _line(context, ticket) if ticket else context.t("status.not_found", code=code)
    elif context.tickets:
        lines = [_line(context, t) for t in context.tickets[:LISTED]]
        text = "\n".join([context.t("status.header"), *lines])
    else:
        return _none(context)
    return Outcome(replies=(Reply(text),))


def _none(context: Context) -> Outcome:
    """No ticket from this chat: the citizen may mean a report made at the office (an officer
    can look it up), or have a report to make."""
    report, officer = action_button(context, "report"), officer_button(context)
    text = context.t("status.none", report=report.title, officer=officer.title)
    return Outcome(replies=(Reply(text, (report, officer)),))


def latest(context: Context, ticket: TicketSummary) -> Outcome:
    """A question about the report just made ("berapa lama sampai dihubungi?"): its status and
    what comes next."""
    next_step = context.t(
        "status.next_step_waiting" if ticket.waiting else "status.next_step", code=ticket.code
    )
    return Outcome(replies=(Reply(f"{_line(context, ticket)}\n{next_step}"),))


def _still_waiting(context: Context, ticket: TicketSummary) -> Outcome:
    """Asked after a reply ("kok ga dibales", "min??"): the newest waiting ticket, what comes
    next, and the menu for anything else."""
    next_step = context.t("status.next_step_waiting", code=ticket.code)
    text = "\n".join((context.t("status.still_waiting"), _line(context, ticket), next_step))
    return Outcome(replies=(Reply(text, menu_buttons(context)),))


def _line(context: Context, ticket: TicketSummary) -> str:
    return context.t(
        "status.ticket",
        code=ticket.code,
        category=context.t(f"category.{ticket.category.value}"),
        status=context.t(f"status.{ticket.status.value}"),
        created=format_wib(ticket.created_at),
    )
