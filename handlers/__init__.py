"""One module per intent family; the registry maps handler names (data/intents.yml) to them."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.handling import Handler
from handlers import (
    cancel,
    clarify,
    crime_report,
    emergency,
    escalate,
    fallback,
    faq,
    feedback,
    smalltalk,
    status,
)

HANDLERS: Mapping[str, Handler] = {
    "cancel": cancel.handle,
    "clarify": clarify.handle,
    "crime_report": crime_report.handle,
    "emergency": emergency.handle,
    "escalate": escalate.handle,
    "fallback": fallback.handle,
    "faq": faq.handle,
    "feedback": feedback.handle,
    "smalltalk": smalltalk.handle,
    "status": status.handle,
}
