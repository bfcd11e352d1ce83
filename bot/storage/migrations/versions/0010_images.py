"""Images: a photo with a broadcast (stored once, by the SHA-256 of its bytes).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "images",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("mime", sa.String(32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("broadcasts") as broadcasts:
        broadcasts.add_column(sa.Column("image_id", sa.String(64), nullable=True))
        broadcasts.create_foreign_key(
            op.f("fk_broadcasts_image_id_images"), "images", ["image_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as broadcasts:
        broadcasts.drop_constraint(op.f("fk_broadcasts_image_id_images"), type_="foreignkey")
        broadcasts.drop_column("image_id")
    op.drop_table("images")
