"""/batal or "cancel": leave whatever dialog is open."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Outcome, Reply
from handlers.common import menu_buttons


def handle(context: Context) -> Outcome:
    key = "cancel.done" if context.state is not None else "cancel.nothing"
    return Outcome(replies=(Reply(context.t(key), menu_buttons(context)),), state=None)
