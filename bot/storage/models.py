"""SQLAlchemy tables: citizens, messages (inbox and outbox), tickets, dialog states, audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.core.types import TicketStatus


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; always returns them timezone-aware in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored without a zone")
        value = value.astimezone(UTC)
        # SQLite has no time zones: store the UTC wall time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _values(*values: str) -> str:
    return ", ".join(f"'{value}'" for value in values)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class Citizen(Base):
    __tablename__ = "citizens"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8), default="id")
    display_name: Mapped[str | None] = mapped_column(String(200))
    unreachable: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# What an admin made of a classified message in the review.
REVIEW_STATUSES = ("confirmed", "corrected", "discarded")
# An outbound message's way: pending in the outbox, then what the platform reports.
# "cancelled": a broadcast's message that its cancellation stopped before it was sent.
DELIVERY_STATUSES = ("pending", "sent", "delivered", "read", "failed", "cancelled")
# Outbox order: urgent alerts, then replies and officers' messages, then campaign broadcasts.
PRIORITY_URGENT, PRIORITY_NORMAL, PRIORITY_CAMPAIGN = 0, 1, 2


class Message(Base):
    """One message either way: inbound rows are the inbox, outbound rows the outbox."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        CheckConstraint(f"direction IN ({_values('in', 'out')})", name="direction"),
        CheckConstraint(
            f"delivery_status IN ({_values(*DELIVERY_STATUSES)})", name="delivery_status"
        ),
        CheckConstraint(f"review_status IN ({_values(*REVIEW_STATUSES)})", name="review_status"),
        Index("ix_messages_outbox", "direction", "delivery_status", "next_attempt_at"),
        # The outbox's order (Outbox.due): a pass reads the first due rows, not all of them.
        Index("ix_messages_outbox_order", "direction", "delivery_status", "priority", "id"),
        Index("ix_messages_inbox", "direction", "processed_at"),
        # A citizen's messages one way: the last inbound time each outbound row is read with
        # (its 24-hour window) in one lookup, however many messages the table holds.
        Index("ix_messages_citizen", "citizen_id", "direction", "created_at"),
        # Messages one way in a period (the transparency page's monthly counts).
        Index("ix_messages_received", "direction", "created_at"),
        # Whether an earlier message of the same citizen still waits (the inbox's claims of a
        # new message, of a turn's replies and the worker's pass): the citizen's own waiting
        # rows, not every row waiting for anyone (a backlog while Rasa is down, an alert
        # broadcast's queue).
        Index("ix_messages_citizen_waiting", "citizen_id", "direction", "processed_at"),
        Index("ix_messages_citizen_pending", "citizen_id", "direction", "delivery_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text, default="")
    media: Mapped[list[Any]] = mapped_column(default=list)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    buttons: Mapped[list[Any]] = mapped_column(default=list)
    in_reply_to: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # an officer's reply
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Inbound: classification, set when the pipeline commits its decision.
    processed_at: Mapped[datetime | None]
    # Inbound: leased by the worker processing it (bot/storage/inbox.py, pending).
    claimed_until: Mapped[datetime | None]
    intent: Mapped[str | None] = mapped_column(String(100))
    confidence: Mapped[float | None] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(String(32))
    faq_topic: Mapped[str | None] = mapped_column(String(100))
    urgent: Mapped[bool | None]
    model_version: Mapped[str | None] = mapped_column(String(100))
    ranking: Mapped[list[Any] | None]
    needs_review: Mapped[bool] = mapped_column(default=False)
    clarified_category: Mapped[str | None] = mapped_column(String(32))
    # An officer's correction of the intent (the ticket was reclassified), for retraining.
    corrected_intent: Mapped[str | None] = mapped_column(String(100))
    # Outbound: delivery.
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    template: Mapped[str | None] = mapped_column(String(100))  # sent as this approved template
    template_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Of a reply sent in parts, those confirmed so far (OutboundMessage.parts_sent).
    parts_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    priority: Mapped[int] = mapped_column(default=PRIORITY_NORMAL, server_default="1")
    # Inbound: an admin's review (bot/storage/review.py).
    review_status: Mapped[str | None] = mapped_column(String(16))
    reviewed_intent: Mapped[str | None] = mapped_column(String(100))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values(*TicketStatus)})", name="status"),
        Index("ix_tickets_queue", "status", "priority", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.NEW.value)
    faq_topic: Mapped[str | None] = mapped_column(String(100))
    intent: Mapped[str | None] = mapped_column(String(100))
    confidence: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    media: Mapped[list[Any]] = mapped_column(default=list)
    anonymous: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The officer's side: who holds it, when they answered and closed it, the citizen's rating.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(32))
    rating: Mapped[int | None]


class DialogStateRow(Base):
    __tablename__ = "dialog_states"

    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), primary_key=True)
    dialog: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Subscription(Base):
    """A citizen's consent to receive one topic's broadcasts (bot/core/subscriptions.py)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("citizen_id", "topic"),
        Index("ix_subscriptions_topic", "topic"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    topic: Mapped[str] = mapped_column(String(32))
    area: Mapped[str | None] = mapped_column(String(100))  # a kecamatan, lower case
    consented_at: Mapped[datetime] = mapped_column(default=utcnow)
    consent_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))


BROADCAST_STATUSES = ("scheduled", "sending", "cancelled")


class Broadcast(Base):
    """A message to a topic's subscribers (in an area), now or at `scheduled_at`."""

    __tablename__ = "broadcasts"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values(*BROADCAST_STATUSES)})", name="status"),
        Index("ix_broadcasts_due", "status", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(32))
    area: Mapped[str | None] = mapped_column(String(100))
    texts: Mapped[dict[str, Any]] = mapped_column()  # language → text
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    scheduled_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # Subscribers skipped when it started because the platform had refused them before.
    unreachable: Mapped[int] = mapped_column(default=0)
    # Makes a broadcast that several processes may create (the day's tip) exist once.
    key: Mapped[str | None] = mapped_column(String(100), unique=True)
    # A photo sent with the text as its caption.
    image_id: Mapped[str | None] = mapped_column(ForeignKey("images.id"))


class Image(Base):
    """A picture the office sends (a broadcast's photo), kept in the database so that every
    instance can send it; its id is the SHA-256 of its bytes."""

    __tablename__ = "images"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DisasterMode(Base):
    """Disaster mode, switched on by an admin for an area (None: everywhere) with a message;
    active while `ended_at` is empty."""

    __tablename__ = "disaster_modes"

    id: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str | None] = mapped_column(String(100))
    texts: Mapped[dict[str, Any]] = mapped_column()
    started_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


PUBLICATION_KINDS = ("report", "hoax")


class Publication(Base):
    """An activity report or a hoax clarification on the public transparency page."""

    __tablename__ = "publications"
    __table_args__ = (CheckConstraint(f"kind IN ({_values(*PUBLICATION_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_by: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"))


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class User(Base):
    """An officer or admin of the dashboard."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({_values('officer', 'admin')})", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    disabled: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A dashboard login; only a hash of the cookie's token is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class TicketNote(Base):
    """An officer's internal note on a ticket; never sent to the citizen."""

    __tablename__ = "ticket_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CannedReply(Base):
    """A ready answer officers can send (and edit first), per language; admins manage them."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModelVersion(Base):
    """One trained (or training) NLU model; at most one is active, at most one is training."""

    __tablename__ = "model_versions"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values('training', 'ready', 'failed')})", name="status"),
        Index(
            "ux_model_versions_training",
            "status",
            unique=True,
            sqlite_where=text("status = 'training'"),
            postgresql_where=text("status = 'training'"),
        ),
        Index(
            "ux_model_versions_active",
            "active",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(12))
    model_file: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    finished_at: Mapped[datetime | None]
    train_seconds: Mapped[float | None] = mapped_column(Float)
    log_file: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(Text)
    metrics: Mapped[dict[str, Any] | None]
    active: Mapped[bool] = mapped_column(default=False, server_default=false())
    activated_at: Mapped[datetime | None]
    activated_by: Mapped[str | None] = mapped_column(String(100))
    activation_reason: Mapped[str | None] = mapped_column(Text)
