"""Praise, complaints and suggestions become feedback tickets; the citizen is thanked. More of
it soon after, about that ticket or a report, joins the ticket (a complaint sent in parts)."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Category, Outcome
from handlers.common import add_to_ticket, text_ticket, ticket_to_add_to

DIALOG = "feedback"


def handle(context: Context) -> Outcome:
    ticket = ticket_to_add_to(context)
    if ticket is not None:
        return add_to_ticket(context, ticket)
    return text_ticket(context, DIALOG, Category.FEEDBACK, "feedback.ask", "feedback.thanks")
