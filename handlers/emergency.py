"""Danger now: 110/112 in the very first reply and an urgent ticket, no questions first."""

from __future__ import annotations

from bot.core.found_body import tells_of_a_body_found
from bot.core.gas_leak import tells_of_a_gas_leak
from bot.core.handling import Context
from bot.core.missing import is_missing_person
from bot.core.safety import EMERGENCY_DIALOG
from bot.core.self_harm import of_oneself
from bot.core.types import Category, DialogState, Outcome, Reply, TicketUpdate
from handlers.common import new_ticket

DIALOG = EMERGENCY_DIALOG
# Later messages (address, location, photos) are added to the ticket this many times.
MAX_FOLLOW_UPS = 3


def handle(context: Context) -> Outcome:
    if context.state is not None:
        return _follow_up(context)
    ticket = new_ticket(context, Category.CRIME_REPORT, {"what": context.text}, urgent=True)
    data: dict[str, object] = {"code": context.ticket_code, "count": 0}
    if of_oneself(context.text):
        data["self_harm"] = True  # the follow-ups are the citizen's own words, not an address
        text = context.t("emergency.self_harm", code=context.ticket_code)
    elif is_missing_person(context.text):
        data["missing"] = True  # the follow-ups describe the person, not the citizen's danger
        text = context.t("emergency.missing", code=context.ticket_code)
        if context.accepts_media:
            text = f"{text}\n{context.t('emergency.missing_photo')}"
    elif tells_of_a_body_found(context.text):
        text = context.t("emergency.body", code=context.ticket_code)
    elif tells_of_a_gas_leak(context.text):
        text = context.t("emergency.gas", code=context.ticket_code)
    else:
        text = context.t("emergency.now", code=context.ticket_code)
    state = DialogState(DIALOG, "follow_up", data)
    return Outcome(replies=(Reply(text),), ticket=ticket, state=state)


def _follow_up(context: Context) -> Outcome:
    assert context.state is not None
    data = dict(context.state.data)
    code = str(data["code"])
    count = data["count"] = int(data.get("count", 0)) + 1
    update = TicketUpdate(
        code=code, note=context.text, location=context.message.location, media=context.message.media
    )
    state = DialogState(DIALOG, "follow_up", data) if count < MAX_FOLLOW_UPS else None
    key = "emergency.followup"
    if data.get("missing"):
        key = "emergency.missing_followup"
    elif data.get("self_harm"):
        key = "emergency.self_harm_followup"
    return Outcome(replies=(Reply(context.t(key, code=code)),), ticket_update=update, state=state)
