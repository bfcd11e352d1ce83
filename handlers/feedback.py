"""Praise, complaints and suggestions become feedback tickets; the citizen is thanked."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Category, DialogState, NewTicket, Outcome, Reply
from handlers.common import summarize

DIALOG = "feedback"


def handle(context: Context) -> Outcome:
    if context.command is not None and context.state is None:
        return Outcome(
            replies=(Reply(context.t("feedback.ask")),), state=DialogState(DIALOG, "text")
        )
    if not context.text:
        return Outcome(replies=(Reply(context.t("report.need_text")),), state=context.state)
    classification = context.classification
    ticket = NewTicket(
        category=Category.FEEDBACK,
        urgent=False,
        summary=summarize(context.text),
        intent=classification.intent if classification else None,
        confidence=classification.confidence if classification else None,
        details={"feedback": context.text},
    )
    reply = Reply(context.t("feedback.thanks", code=context.ticket_code))
    return Outcome(replies=(reply,), ticket=ticket)
