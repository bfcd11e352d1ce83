"""Anything no other handler takes: say so and show the menu. A photo or a location sent
without words soon after a ticket joins it instead (the picture of the culprit after a report)."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Outcome
from handlers.common import add_to_ticket, menu_reply, ticket_to_add_to


def handle(context: Context) -> Outcome:
    attached = context.message.media or context.message.location is not None
    ticket = ticket_to_add_to(context) if attached else None
    if ticket is not None:
        return add_to_ticket(context, ticket)
    return Outcome(replies=(menu_reply(context, context.t("fallback.text")),))
