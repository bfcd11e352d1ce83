"""Subscriptions and broadcasts: citizens' consent per topic, broadcasts to a topic's
subscribers, outbox priority (urgent alerts first, campaigns last) and cancelled messages.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "'pending', 'sent', 'delivered', 'read', 'failed'"
NEW = "'pending', 'sent', 'delivered', 'read', 'failed', 'cancelled'"


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("citizen_id", sa.Integer(), sa.ForeignKey("citizens.id"), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("area", sa.String(100), nullable=True),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_message_id", sa.Integer(), sa.ForeignKey("messages.id"), nullable=True),
        sa.UniqueConstraint("citizen_id", "topic", name=op.f("uq_subscriptions_citizen_id_topic")),
    )
    op.create_index("ix_subscriptions_topic", "subscriptions", ["topic"])
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("area", sa.String(100), nullable=True),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unreachable", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('scheduled', 'sending', 'cancelled')", name=op.f("ck_broadcasts_status")
        ),
    )
    op.create_index("ix_broadcasts_due", "broadcasts", ["status", "scheduled_at"])
    with op.batch_alter_table("messages") as messages:
        messages.drop_constraint(op.f("ck_messages_delivery_status"), type_="check")
        messages.create_check_constraint(
            op.f("ck_messages_delivery_status"), f"delivery_status IN ({NEW})"
        )
        messages.add_column(sa.Column("broadcast_id", sa.Integer(), nullable=True))
        messages.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="1"))
        messages.create_foreign_key(
            op.f("fk_messages_broadcast_id_broadcasts"), "broadcasts", ["broadcast_id"], ["id"]
        )
        messages.create_index(op.f("ix_messages_broadcast_id"), ["broadcast_id"])
        messages.create_index(
            "ix_messages_outbox_order", ["direction", "delivery_status", "priority", "id"]
        )


def downgrade() -> None:
    op.execute("UPDATE messages SET delivery_status = 'failed' WHERE delivery_status = 'cancelled'")
    with op.batch_alter_table("messages") as messages:
        messages.drop_index("ix_messages_outbox_order")
        messages.drop_index(op.f("ix_messages_broadcast_id"))
        messages.drop_constraint(op.f("fk_messages_broadcast_id_broadcasts"), type_="foreignkey")
        messages.drop_column("priority")
        messages.drop_column("broadcast_id")
        messages.drop_constraint(op.f("ck_messages_delivery_status"), type_="check")
        messages.create_check_constraint(
            op.f("ck_messages_delivery_status"), f"delivery_status IN ({OLD})"
        )
    op.drop_index("ix_broadcasts_due", "broadcasts")
    op.drop_table("broadcasts")
    op.drop_index("ix_subscriptions_topic", "subscriptions")
    op.drop_table("subscriptions")
