"""`messages.needs_review` now means that the bot's rules overruled the NLU's reading (the
review lists such a message as "overruled"). It used to be set for a clarification question and
an officer's correction, which the review lists by their own columns (confidence,
clarified_category, corrected_intent): cleared, so those are not listed as overruled.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    messages = sa.table("messages", sa.column("needs_review", sa.Boolean()))
    op.execute(
        messages.update().where(messages.c.needs_review.is_(True)).values(needs_review=False)
    )


def downgrade() -> None:
    """Nothing to restore: the old flags were not read anywhere."""
