"""Messages by direction and time: the transparency page's monthly count of citizens' messages
was a scan of the whole table for each month (99 ms for 11 months at 40,000 messages), and with
SQLite on the event loop's thread a scan holds the loop.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_messages_received", "messages", ["direction", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_messages_received", table_name="messages")
