"""A question the bot cannot answer goes to an officer as a ticket."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Category, DialogState, NewTicket, Outcome, Reply
from handlers.common import summarize

DIALOG = "escalate"


def handle(context: Context) -> Outcome:
    if context.command is not None and context.state is None:
        return Outcome(
            replies=(Reply(context.t("escalate.ask")),), state=DialogState(DIALOG, "question")
        )
    if not context.text:
        return Outcome(replies=(Reply(context.t("report.need_text")),), state=context.state)
    classification = context.classification
    ticket = NewTicket(
        category=Category.QUESTION,
        urgent=False,
        summary=summarize(context.text),
        faq_topic=classification.faq_topic if classification else None,
        intent=classification.intent if classification else None,
        confidence=classification.confidence if classification else None,
        details={"question": context.text},
    )
    reply = Reply(context.t("escalate.done", code=context.ticket_code))
    return Outcome(replies=(reply,), ticket=ticket)
