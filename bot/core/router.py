"""Decides which handler answers a message: commands first, then an open dialog, then the NLU."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.types import Classification

# Commands work on every channel (typed or sent by a button) and need no NLU.
COMMAND_HANDLERS: Mapping[str, str] = {
    "/start": "smalltalk",
    "/help": "smalltalk",
    "/menu": "smalltalk",
    "/lapor": "crime_report",
    "/status": "status",
    "/petugas": "escalate",
    "/saran": "feedback",
    "/batal": "cancel",
    "/cancel": "cancel",
    "/langganan": "subscribe",
    "/subscribe": "subscribe",
    "/berhenti": "unsubscribe",
    "/unsubscribe": "unsubscribe",
    "/evakuasi": "evacuation",
    "/evacuate": "evacuation",
    "/edukasi": "education",
    "/tips": "education",
}
CANCEL_WORDS = frozenset({"batal", "cancel", "gak jadi", "ga jadi", "nggak jadi", "tidak jadi"})
TIPS_WORDS = frozenset({"tips", "edukasi", "tip"})


def parse_command(text: str) -> str | None:
    """'/lapor@PolresBot extra' → '/lapor'; a plain cancel word → '/batal', 'tips' → '/tips';
    else None."""
    stripped = text.strip()
    if stripped.lower().rstrip(".!") in CANCEL_WORDS:
        return "/batal"
    if stripped.lower().rstrip(".!?") in TIPS_WORDS:
        return "/tips"
    if not stripped.startswith("/"):
        return None
    return stripped.split(maxsplit=1)[0].split("@", 1)[0].lower()


@dataclass(frozen=True)
class NluRules:
    """Thresholds from config.yml (nlu.*)."""

    confidence_threshold: float
    emergency_threshold: float
    # Inside a dialog the answers describe crimes ("he had a knife"): danger now breaks in from
    # this confidence.
    dialog_emergency_threshold: float


def handler_for_classification(
    classification: Classification, handler: str, rules: NluRules
) -> str:
    """The handler for a classified message; unsure classifications ask the citizen."""
    if classification.urgent and classification.confidence >= rules.emergency_threshold:
        return handler
    if classification.confidence < rules.confidence_threshold:
        return "clarify"
    return handler
