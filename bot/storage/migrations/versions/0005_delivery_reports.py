"""Delivery reports (WhatsApp statuses: delivered, read) and messages sent as templates.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "'pending', 'sent', 'failed'"
NEW = "'pending', 'sent', 'delivered', 'read', 'failed'"


def _statuses(messages: BatchOperations, values: str, length: int) -> None:
    messages.drop_constraint(op.f("ck_messages_delivery_status"), type_="check")
    messages.alter_column("delivery_status", type_=sa.String(length))
    messages.create_check_constraint(
        op.f("ck_messages_delivery_status"), f"delivery_status IN ({values})"
    )


def upgrade() -> None:
    with op.batch_alter_table("messages") as messages:
        _statuses(messages, NEW, 16)
        messages.add_column(sa.Column("template", sa.String(100), nullable=True))
        messages.add_column(
            sa.Column("template_required", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    op.execute(
        "UPDATE messages SET delivery_status = 'sent' "
        "WHERE delivery_status IN ('delivered', 'read')"
    )
    with op.batch_alter_table("messages") as messages:
        messages.drop_column("template_required")
        messages.drop_column("template")
        _statuses(messages, OLD, 8)
