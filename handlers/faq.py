"""Answer a question about a known topic from data/faq, in the citizen's language."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Button, Outcome, Reply
from handlers import escalate


def handle(context: Context) -> Outcome:
    topic = context.classification.faq_topic if context.classification else None
    if topic is None or topic not in context.content.faq:
        return escalate.handle(context)
    answer = context.content.faq_answer(topic, context.language).strip()
    buttons = (
        Button(context.t("button.officer"), "/petugas"),
        Button(context.t("button.menu"), "/menu"),
    )
    return Outcome(replies=(Reply(f"{answer}\n\n{context.t('faq.follow_up')}", buttons),))
