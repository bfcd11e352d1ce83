"""A question the bot cannot answer goes to an officer as a ticket."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Category, Outcome
from handlers.common import ask_for_text, text_ticket

DIALOG = "escalate"


def handle(context: Context) -> Outcome:
    return text_ticket(context, DIALOG, Category.QUESTION, "escalate.ask", "escalate.done")


def ask(context: Context) -> Outcome:
    """The citizen asks for an officer ("mau ngobrol sama petugas langsung"): as /petugas, the
    bot asks for the question, which becomes the ticket."""
    return ask_for_text(context, DIALOG, "escalate.ask")
