"""Domain types shared by channels, handlers, storage and NLU."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Category(StrEnum):
    QUESTION = "question"
    CRIME_REPORT = "crime_report"
    FEEDBACK = "feedback"
    OTHER = "other"


class TicketStatus(StrEnum):
    NEW = "new"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    CLOSED = "closed"


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float

    @classmethod
    def checked(cls, latitude: object, longitude: object) -> Location | None:
        """A location from what a platform sent, or None unless both are numbers (not bools,
        NaN or infinity) within ±90 and ±180."""
        if isinstance(latitude, bool) or not isinstance(latitude, int | float):
            return None
        if isinstance(longitude, bool) or not isinstance(longitude, int | float):
            return None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None
        return cls(float(latitude), float(longitude))


@dataclass(frozen=True)
class Media:
    """An attachment kept by reference (Telegram file_id, WhatsApp media id, URL).

    `kind` "photo" is the only one the bot reads; others (audio, video, sticker, document)
    are kept so officers see them, and the citizen is asked to type instead."""

    kind: str
    ref: str

    @property
    def is_photo(self) -> bool:
        return self.kind == PHOTO


PHOTO = "photo"


@dataclass(frozen=True)
class Inbound:
    """One message from a citizen, as a channel adapter parsed it."""

    channel: str
    chat_id: str
    external_id: str
    text: str = ""
    media: tuple[Media, ...] = ()
    location: Location | None = None
    display_name: str | None = None


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    image_id: str | None = None  # a picture sent with the text as its caption (core.images)


@dataclass(frozen=True)
class IntentScore:
    name: str
    confidence: float


@dataclass(frozen=True)
class Parse:
    """What the NLU server said about one text."""

    intent: str
    confidence: float
    ranking: tuple[IntentScore, ...] = ()
    model_version: str | None = None


@dataclass(frozen=True)
class IntentSpec:
    """One row of data/intents.yml: what an intent means and which handler answers it."""

    name: str
    category: Category
    handler: str
    faq_topic: str | None = None
    urgent: bool = False


@dataclass(frozen=True)
class Classification:
    text: str
    intent: str
    confidence: float
    category: Category
    faq_topic: str | None
    urgent: bool
    ranking: tuple[IntentScore, ...] = ()
    model_version: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The `polres classify` line format."""
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "category": self.category.value,
            "faq_topic": self.faq_topic,
            "urgent": self.urgent,
        }


@dataclass(frozen=True)
class DialogState:
    """Where a citizen is in a multi-step dialog; `data` must be JSON-serialisable."""

    dialog: str
    step: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Citizen:
    id: int
    channel: str
    chat_id: str
    language: str
    display_name: str | None = None


@dataclass(frozen=True)
class TicketSummary:
    code: str
    category: Category
    urgent: bool
    status: TicketStatus
    created_at: datetime
    summary: str

    @property
    def waiting(self) -> bool:
        """Whether an officer's answer is still due."""
        return self.status in (TicketStatus.NEW, TicketStatus.CLAIMED)


@dataclass(frozen=True)
class NewTicket:
    category: Category
    urgent: bool
    summary: str
    faq_topic: str | None = None
    intent: str | None = None
    confidence: float | None = None
    details: Mapping[str, str] = field(default_factory=dict)
    location: Location | None = None
    media: tuple[Media, ...] = ()
    anonymous: bool = False


@dataclass(frozen=True)
class TicketUpdate:
    """Adds what a citizen sent after a ticket was opened (e.g. the location of an emergency)."""

    code: str
    note: str = ""
    location: Location | None = None
    media: tuple[Media, ...] = ()
    rating: int | None = None  # the citizen's 1-5 rating of a resolved ticket
    urgent: bool = False  # the citizen is in danger now: the ticket jumps the queue


@dataclass(frozen=True)
class SubscriptionChange:
    """A citizen subscribes to a topic's broadcasts (in an area), or unsubscribes (topic None:
    from every topic)."""

    topic: str | None
    subscribe: bool
    area: str | None = None


@dataclass(frozen=True)
class Outcome:
    """A handler's whole decision for one turn; stored in one transaction."""

    replies: tuple[Reply, ...] = ()
    state: DialogState | None = None
    ticket: NewTicket | None = None
    ticket_update: TicketUpdate | None = None
    # The bot's rules overruled the NLU's reading of the message (an emergency read where
    # there is none: a description, an earlier day's crime, a request to mend public works,
    # Pipeline._report_instead; a calm reading of danger said of now,
    # Pipeline._danger_instead; a calm reading of someone gone missing, or their procedure
    # asked and read as another question, Pipeline._missing_person): the admins' review
    # lists it.
    needs_review: bool = False
    # Set by a dialog that does not understand the message: the pipeline drops the
    # dialog state and routes the message as a fresh one.
    reroute: bool = False
    # The citizen picked a category for an earlier low-confidence message.
    clarified: tuple[int, Category] | None = None
    subscription: SubscriptionChange | None = None


@dataclass(frozen=True)
class StoredMessage:
    """An inbound message as the pipeline reads it back from the inbox."""

    id: int
    citizen: Citizen
    text: str
    media: tuple[Media, ...] = ()
    location: Location | None = None

    @property
    def unreadable(self) -> bool:
        """Only attachments the bot cannot read (a voice note, a sticker…)."""
        if self.text.strip() or self.location is not None or not self.media:
            return False
        return not any(media.is_photo for media in self.media)


@dataclass(frozen=True)
class ChatLine:
    """A message of a conversation as its citizen sees it again (the web chat's history)."""

    id: int
    from_citizen: bool
    text: str
    buttons: tuple[Button, ...]
    created_at: datetime


@dataclass(frozen=True)
class OutboundMessage:
    id: int
    channel: str
    chat_id: str
    reply: Reply
    created_at: datetime
    attempts: int = 0  # failed sends so far
    language: str = "id"  # the citizen's
    last_inbound_at: datetime | None = None  # when the citizen last wrote on this channel
    # The platform refused it as free-form text (WhatsApp's 24-hour window): send a template.
    template_required: bool = False
    # Of a reply sent in several parts (a long text, then its buttons), those confirmed by
    # earlier tries: a retry sends only the rest, so the citizen never gets a part twice.
    parts_sent: int = 0


@dataclass(frozen=True)
class Receipt:
    """What a platform answered to a send."""

    external_id: str | None = None  # its id for the message (WhatsApp wamid), for statuses
    template: str | None = None  # the approved template it went out as, if any


class Delivery(StrEnum):
    """Where an outbound message is, as the platform reports it later."""

    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryReport:
    """A platform's status callback for a message it accepted earlier."""

    channel: str
    external_id: str
    status: Delivery
    error: str | None = None
    # Undelivered because it needed a template (WhatsApp 131047): queue it again as one.
    resend_as_template: bool = False


class Role(StrEnum):
    OFFICER = "officer"  # works tickets
    ADMIN = "admin"  # also manages users and settings


@dataclass(frozen=True)
class User:
    """A dashboard account."""

    id: int
    username: str
    role: Role
    disabled: bool = False
