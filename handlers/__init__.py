"""One module per intent family; the registry maps handler names (data/intents.yml) to them."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.handling import CLARIFY, FAQ, FOLLOW_UP, REPORT, STATUS, Handler
from bot.core.handoff import OFFICER_DIALOG, RATING_DIALOG
from handlers import (
    cancel,
    clarify,
    crime_report,
    education,
    emergency,
    escalate,
    evacuation,
    fallback,
    faq,
    feedback,
    officer,
    rating,
    smalltalk,
    status,
    subscription,
)

HANDLERS: Mapping[str, Handler] = {
    "ask_officer": escalate.ask,
    "cancel": cancel.handle,
    CLARIFY: clarify.handle,
    REPORT: crime_report.handle,
    "education": education.handle,
    "emergency": emergency.handle,
    "escalate": escalate.handle,
    "evacuation": evacuation.handle,
    "fallback": fallback.handle,
    FAQ: faq.handle,
    "feedback": feedback.handle,
    FOLLOW_UP: faq.follow_up,
    OFFICER_DIALOG: officer.handle,
    RATING_DIALOG: rating.handle,
    "smalltalk": smalltalk.handle,
    STATUS: status.handle,
    "subscribe": subscription.subscribe,
    "unsubscribe": subscription.unsubscribe,
}
