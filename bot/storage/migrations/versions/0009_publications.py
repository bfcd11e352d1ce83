"""Publications (activity reports and hoax clarifications on the public transparency page),
disaster mode, and a unique key for broadcasts created by every instance (the day's tip).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts") as broadcasts:
        broadcasts.add_column(sa.Column("key", sa.String(100), nullable=True))
        broadcasts.create_unique_constraint(op.f("uq_broadcasts_key"), ["key"])
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "broadcast_id",
            sa.Integer(),
            sa.ForeignKey("broadcasts.id", name=op.f("fk_publications_broadcast_id_broadcasts")),
            nullable=True,
        ),
        sa.CheckConstraint("kind IN ('report', 'hoax')", name=op.f("ck_publications_kind")),
    )

    op.create_table(
        "disaster_modes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("area", sa.String(100), nullable=True),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("started_by", sa.String(100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("disaster_modes")
    op.drop_table("publications")
    with op.batch_alter_table("broadcasts") as broadcasts:
        broadcasts.drop_constraint(op.f("uq_broadcasts_key"), type_="unique")
        broadcasts.drop_column("key")
