"""A citizen's messages by direction and time: the last inbound time of each outbound row
(bot/storage/rows.py) was a scan of every inbound message (18 ms a reply at 30,000 of them).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_messages_citizen", "messages", ["citizen_id", "direction", "created_at"])
    op.drop_index(op.f("ix_messages_citizen_id"), table_name="messages")


def downgrade() -> None:
    op.create_index(op.f("ix_messages_citizen_id"), "messages", ["citizen_id"])
    op.drop_index("ix_messages_citizen", table_name="messages")
