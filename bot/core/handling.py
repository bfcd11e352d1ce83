"""What a handler sees and returns. Handlers are pure: context in, Outcome out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.content import Content, IntentTable
from bot.core.evacuation import DisasterAlert
from bot.core.types import Classification, DialogState, Outcome, StoredMessage, TicketSummary


@dataclass(frozen=True)
class Context:
    message: StoredMessage
    language: str
    content: Content
    intents: IntentTable
    # The code a ticket opened in this turn will get (chosen before the handler runs so the
    # reply can quote it).
    ticket_code: str
    classification: Classification | None = None
    state: DialogState | None = None
    command: str | None = None
    tickets: Sequence[TicketSummary] = ()
    # Whether the citizen's channel can send photos (web chat and console cannot).
    accepts_media: bool = True
    disasters: Sequence[DisasterAlert] = ()  # disaster mode, where it is on
    # The FAQ topic the citizen asked about last, lately: read for a FOLLOW_UP question only.
    recent_topic: str | None = None
    # The citizen's newest ticket, when made within the follow-up window: a report or feedback
    # read next (by the NLU, or so chosen at its question) adds to it while it waits for an
    # officer; a FOLLOW_UP question ("how long until someone contacts me?") is about it unless
    # an FAQ topic other than the reports' status was asked since.
    recent_ticket: TicketSummary | None = None
    # The citizen's latest questions, newest first: read for an FAQ question that may carry
    # their aspects over ("kalau SIM?" after "berapa biaya SKCK?") only.
    recent_questions: Sequence[str] = ()

    @property
    def text(self) -> str:
        return self.message.text.strip()

    def t(self, key: str, **values: object) -> str:
        """A bot phrase in the citizen's language."""
        return self.content.texts.get(self.language, key, **values)


Handler = Callable[[Context], Outcome]

# The handler of a question about an FAQ topic (data/intents.yml).
FAQ = "faq"
# The handler of a crime report (data/intents.yml): a description read as an emergency right
# after a report adds to it (Pipeline.decide).
REPORT = "crime_report"
# The handler of praise, complaints and suggestions (data/intents.yml).
FEEDBACK = "feedback"
# The handler that passes a question to an officer (data/intents.yml).
ESCALATE = "escalate"
# The handler of a question that names no topic (data/intents.yml): it answers the last one.
FOLLOW_UP = "follow_up"
# The handler of a question about the citizen's own reports (data/intents.yml, /status).
STATUS = "status"
# The handler that asks the citizen what an unsure classification meant (router).
CLARIFY = "clarify"
# The intent of a greeting, also of a message that only calls for attention (router.SALUTATIONS).
GREET = "greet"
