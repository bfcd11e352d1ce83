"""`messages.parts_sent`: of an outbound reply sent in several parts (a long text, then its
buttons), the parts confirmed so far, so that a retry after a failure part-way sends only the
rest and the citizen never gets a part twice.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as messages:
        messages.add_column(
            sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("messages") as messages:
        messages.drop_column("parts_sent")
