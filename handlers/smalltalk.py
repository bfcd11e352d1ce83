"""Greetings, thanks, goodbyes, chit-chat and the menu commands."""

from __future__ import annotations

from bot.core.handling import GREET, Context
from bot.core.router import is_acknowledgement
from bot.core.types import Outcome, Reply
from handlers.common import menu_reply

_SHORT_ANSWERS = frozenset({"thanks", "goodbye"})


def handle(context: Context) -> Outcome:
    intent = context.classification.intent if context.classification else None
    if intent == "thanks" and is_acknowledgement(context.text):
        return Outcome(replies=(Reply(context.t("smalltalk.ok")),))
    if intent in _SHORT_ANSWERS:
        return Outcome(replies=(Reply(context.t(f"smalltalk.{intent}")),))
    if context.command == "/tanya":
        return Outcome(replies=(Reply(context.t("smalltalk.ask")),))
    welcome = intent == GREET or context.command == "/start"
    intro = context.t("smalltalk.greet") if welcome else None
    return Outcome(replies=(menu_reply(context, intro),))
