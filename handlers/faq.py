"""Answer a question about a known topic from data/faq, in the citizen's language."""

from __future__ import annotations

from bot.core.content import in_language
from bot.core.handling import Context
from bot.core.types import Button, Outcome, Reply
from handlers import escalate


def handle(context: Context) -> Outcome:
    topic = context.classification.faq_topic if context.classification else None
    if topic is None or topic not in context.content.faq:
        return escalate.handle(context)
    return answer(context, topic)


def follow_up(context: Context) -> Outcome:
    """A question that names no topic ("brp biayanya?", "can I do it online?") is about the
    topic the citizen asked about last (`Context.recent_topic`); without one, ask which."""
    topic = context.recent_topic
    if topic is None or topic not in context.content.faq:
        return Outcome(replies=(Reply(context.t("faq.which"), _buttons(context)),))
    title = in_language(context.content.faq[topic].title, context.language)
    return answer(context, topic, intro=context.t("faq.about", title=title))


def answer(context: Context, topic: str, intro: str | None = None) -> Outcome:
    text = context.content.faq_answer(topic, context.language).strip()
    if intro is not None:
        text = f"{intro}\n{text}"
    return Outcome(replies=(Reply(f"{text}\n\n{context.t('faq.follow_up')}", _buttons(context)),))


def _buttons(context: Context) -> tuple[Button, ...]:
    return (
        Button(context.t("button.officer"), "/petugas"),
        Button(context.t("button.menu"), "/menu"),
    )
