"""Danger now: 110/112 in the very first reply and an urgent ticket, no questions first."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.missing import is_missing_person
from bot.core.safety import EMERGENCY_DIALOG
from bot.core.types import Category, DialogState, Outcome, Reply, TicketUpdate
from handlers.common import new_ticket

DIALOG = EMERGENCY_DIALOG
# Later messages (address, location, photos) are added to the ticket this many times.
MAX_FOLLOW_UPS = 3


def handle(context: Context) -> Outcome:
    if context.state is not None:
        return _follow_up(context)
    ticket = new_ticket(context, Category.CRIME_REPORT, {"what": context.text}, urgent=True)
    state = DialogState(DIALOG, "follow_up", {"code": context.ticket_code, "count": 0})
    if is_missing_person(context.text):
        text = context.t("emergency.missing", code=context.ticket_code)
        if context.accepts_media:
            text = f"{text}\n{context.t('emergency.missing_photo')}"
    else:
        text = context.t("emergency.now", code=context.ticket_code)
    return Outcome(replies=(Reply(text),), ticket=ticket, state=state)


def _follow_up(context: Context) -> Outcome:
    assert context.state is not None
    code = str(context.state.data["code"])
    count = int(context.state.data.get("count", 0)) + 1
    update = TicketUpdate(
        code=code, note=context.text, location=context.message.location, media=context.message.media
    )
    state = (
        DialogState(DIALOG, "follow_up", {"code": code, "count": count})
        if count < MAX_FOLLOW_UPS
        else None
    )
    reply = Reply(context.t("emergency.followup", code=code))
    return Outcome(replies=(reply,), ticket_update=update, state=state)
