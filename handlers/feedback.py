"""Praise, complaints and suggestions become feedback tickets; the citizen is thanked."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Category, Outcome
from handlers.common import text_ticket

DIALOG = "feedback"


def handle(context: Context) -> Outcome:
    return text_ticket(context, DIALOG, Category.FEEDBACK, "feedback.ask", "feedback.thanks")
