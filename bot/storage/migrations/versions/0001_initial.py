"""Initial schema: citizens, tickets, messages (inbox and outbox), dialog states, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "citizens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(128), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=True),
        sa.Column("unreachable", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizens")),
        sa.UniqueConstraint("channel", "chat_id", name=op.f("uq_citizens_channel_chat_id")),
    )
    op.create_table(
        "dialog_states",
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("dialog", sa.String(64), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_dialog_states_citizen_id_citizens")
        ),
        sa.PrimaryKeyConstraint("citizen_id", name=op.f("pk_dialog_states")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("faq_topic", sa.String(100), nullable=True),
        sa.Column("intent", sa.String(100), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("media", sa.JSON(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("assigned_to", sa.String(100), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("first_response_at", UTC_DATETIME, nullable=True),
        sa.Column("resolved_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint(
            "status IN ('new', 'claimed', 'answered', 'resolved', 'closed')",
            name=op.f("ck_tickets_status"),
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_tickets_citizen_id_citizens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("code", name=op.f("uq_tickets_code")),
    )
    op.create_index(op.f("ix_tickets_citizen_id"), "tickets", ["citizen_id"])
    op.create_index("ix_tickets_queue", "tickets", ["status", "priority", "created_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_audit_log_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_ticket_id"), "audit_log", ["ticket_id"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("media", sa.JSON(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("in_reply_to", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("processed_at", UTC_DATETIME, nullable=True),
        sa.Column("intent", sa.String(100), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("faq_topic", sa.String(100), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=True),
        sa.Column("model_version", sa.String(100), nullable=True),
        sa.Column("ranking", sa.JSON(), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("clarified_category", sa.String(32), nullable=True),
        sa.Column("delivery_status", sa.String(8), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_DATETIME, nullable=True),
        sa.Column("sent_at", UTC_DATETIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "delivery_status IN ('pending', 'sent', 'failed')",
            name=op.f("ck_messages_delivery_status"),
        ),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f("ck_messages_direction")),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_messages_citizen_id_citizens")
        ),
        sa.ForeignKeyConstraint(
            ["in_reply_to"], ["messages.id"], name=op.f("fk_messages_in_reply_to_messages")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_messages_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_messages_channel_external_id")),
    )
    op.create_index(op.f("ix_messages_citizen_id"), "messages", ["citizen_id"])
    op.create_index(op.f("ix_messages_in_reply_to"), "messages", ["in_reply_to"])
    op.create_index(op.f("ix_messages_ticket_id"), "messages", ["ticket_id"])
    op.create_index("ix_messages_inbox", "messages", ["direction", "processed_at"])
    op.create_index(
        "ix_messages_outbox", "messages", ["direction", "delivery_status", "next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_table("messages")
    op.drop_table("audit_log")
    op.drop_table("tickets")
    op.drop_table("dialog_states")
    op.drop_table("citizens")
