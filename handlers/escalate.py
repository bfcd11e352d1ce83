"""A question the bot cannot answer goes to an officer as a ticket."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Category, Outcome
from handlers.common import text_ticket

DIALOG = "escalate"


def handle(context: Context) -> Outcome:
    return text_ticket(context, DIALOG, Category.QUESTION, "escalate.ask", "escalate.done")
