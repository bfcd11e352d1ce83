"""Anything no other handler takes: say so and show the menu. A photo or a location sent
without words soon after a ticket joins it instead (the picture of the culprit after a report);
alone, it starts a report with it, or a location in disaster mode gets the nearest evacuation
points."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Outcome
from handlers import crime_report, evacuation
from handlers.common import add_to_ticket, menu_reply, ticket_to_add_to


def handle(context: Context) -> Outcome:
    attached = context.message.media or context.message.location is not None
    ticket = ticket_to_add_to(context) if attached else None
    if ticket is not None:
        return add_to_ticket(context, ticket)
    if attached and not context.text and context.command is None:
        if context.message.location is not None and context.disasters:
            return evacuation.handle(context)
        return crime_report.handle(context)
    return Outcome(replies=(menu_reply(context, context.t("fallback.text")),))
