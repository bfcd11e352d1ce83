"""The dialogs the dashboard opens for a citizen: talking to an officer, rating a resolved ticket.

Handlers (handlers/officer.py, handlers/rating.py) carry them on; the dashboard starts them.
"""

from __future__ import annotations

from bot.core.types import Button, DialogState

OFFICER_DIALOG = "officer"
RATING_DIALOG = "rating"
SCORES = ("1", "2", "3", "4", "5")


def officer_dialog(code: str) -> DialogState:
    return DialogState(OFFICER_DIALOG, "talking", {"code": code})


def rating_dialog(code: str) -> DialogState:
    return DialogState(RATING_DIALOG, "asked", {"code": code})


def rating_buttons() -> tuple[Button, ...]:
    return tuple(Button(score, score) for score in SCORES)
