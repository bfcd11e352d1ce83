"""A citizen's waiting messages by index: claiming a new message (or a turn's replies) asks
whether an earlier message of the same citizen still waits, which SQLite answered by reading
every message waiting for anyone: 2-3 ms a claim behind 10,000 waiting rows (a backlog while
Rasa is down, an alert broadcast's queue); 0.11-0.17 ms with these, at 100, 1,000 or 10,000
waiting rows alike.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_messages_citizen_waiting", "messages", ["citizen_id", "direction", "processed_at"]
    )
    op.create_index(
        "ix_messages_citizen_pending", "messages", ["citizen_id", "direction", "delivery_status"]
    )


def downgrade() -> None:
    op.drop_index("ix_messages_citizen_pending", table_name="messages")
    op.drop_index("ix_messages_citizen_waiting", table_name="messages")
