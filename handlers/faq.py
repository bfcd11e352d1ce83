"""Answer a question about a known topic from data/faq, in the citizen's language: the part
it asks about ("berapa biaya SKCK?") when the topic has a short answer for it, else all."""

from __future__ import annotations

from bot.core.content import in_language
from bot.core.handling import Context
from bot.core.types import Button, Outcome, Reply
from handlers import escalate, status
from handlers.common import action_button, command_argument, officer_button

FULL_ANSWER = "/info"  # "/info skck": the whole answer of a topic
MAX_BUTTONS = 3


def handle(context: Context) -> Outcome:
    if context.command == FULL_ANSWER:
        return _full_answer(context)
    topic = context.classification.faq_topic if context.classification else None
    if topic is None or topic not in context.content.faq:
        return escalate.handle(context)
    return answer(context, topic)


def follow_up(context: Context) -> Outcome:
    """A question that names no topic ("brp biayanya?", "can I do it online?") is about the
    topic the citizen asked about last (`Context.recent_topic`), or about the report made
    since (`Context.recent_ticket`: "how long until someone contacts me?"); else ask which."""
    topic = context.recent_topic
    if topic is None or topic not in context.content.faq:
        if context.recent_ticket is not None:
            return status.latest(context, context.recent_ticket)
        return _which(context)
    title = in_language(context.content.faq[topic].title, context.language)
    return answer(context, topic, intro=context.t("faq.about", title=title))


def answer(context: Context, topic: str, intro: str | None = None) -> Outcome:
    asked = context.content.aspect_words.asked(context.text, context.recent_questions)
    focused = context.content.faq[topic].focused(asked, context.language)
    if focused is None:
        return _reply(context, topic, context.content.faq_answer(topic, context.language), intro)
    more = Button(context.t("button.full_answer"), f"{FULL_ANSWER} {topic}")
    return _reply(context, topic, focused, intro, more)


def _full_answer(context: Context) -> Outcome:
    """The whole answer of the topic named after the command (the button under a short one)."""
    topic = command_argument(context).strip().lower()
    if topic not in context.content.faq:
        return _which(context)
    return _reply(context, topic, context.content.faq_answer(topic, context.language))


def _reply(
    context: Context, topic: str, text: str, intro: str | None = None, *more: Button
) -> Outcome:
    """An answer with its buttons: `more`, the topic's action ("Lapor kejadian"), an officer
    and the menu — at most 3, which WhatsApp shows as buttons (more become a list)."""
    text = text.strip() if intro is None else f"{intro}\n{text.strip()}"
    action = context.content.faq[topic].action
    if action is not None:
        more = (*more, action_button(context, action))
    buttons = (*more, *_buttons(context))[:MAX_BUTTONS]
    return Outcome(replies=(Reply(f"{text}\n\n{context.t('faq.follow_up')}", buttons),))


def _which(context: Context) -> Outcome:
    return Outcome(replies=(Reply(context.t("faq.which"), _buttons(context)),))


def _buttons(context: Context) -> tuple[Button, ...]:
    return (officer_button(context), Button(context.t("button.menu"), "/menu"))
