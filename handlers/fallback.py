"""Anything no other handler takes: say so and show the menu."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Outcome
from handlers.common import menu_reply


def handle(context: Context) -> Outcome:
    return Outcome(replies=(menu_reply(context, context.t("fallback.text")),))
