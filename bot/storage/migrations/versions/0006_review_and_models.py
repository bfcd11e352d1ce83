"""Admins' review of classified messages, and NLU model versions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("messages") as messages:
        messages.add_column(sa.Column("review_status", sa.String(16), nullable=True))
        messages.add_column(sa.Column("reviewed_intent", sa.String(100), nullable=True))
        messages.add_column(sa.Column("reviewed_by", sa.Integer(), nullable=True))
        messages.add_column(sa.Column("reviewed_at", UTC_DATETIME, nullable=True))
        messages.create_foreign_key(
            op.f("fk_messages_reviewed_by_users"), "users", ["reviewed_by"], ["id"]
        )
        messages.create_check_constraint(
            op.f("ck_messages_review_status"),
            "review_status IN ('confirmed', 'corrected', 'discarded')",
        )
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(12), nullable=False),
        sa.Column("model_file", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("train_seconds", sa.Float(), nullable=True),
        sa.Column("log_file", sa.String(300), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("metrics", sa.JSON(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("activated_at", UTC_DATETIME, nullable=True),
        sa.Column("activated_by", sa.String(100), nullable=True),
        sa.Column("activation_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.CheckConstraint(
            "status IN ('training', 'ready', 'failed')", name=op.f("ck_model_versions_status")
        ),
    )
    # One training at a time, one active model: both kept by the database.
    op.create_index(
        "ux_model_versions_training",
        "model_versions",
        ["status"],
        unique=True,
        sqlite_where=sa.text("status = 'training'"),
        postgresql_where=sa.text("status = 'training'"),
    )
    op.create_index(
        "ux_model_versions_active",
        "model_versions",
        ["active"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )


def downgrade() -> None:
    op.drop_index("ux_model_versions_active", table_name="model_versions")
    op.drop_index("ux_model_versions_training", table_name="model_versions")
    op.drop_table("model_versions")
    with op.batch_alter_table("messages") as messages:
        messages.drop_constraint(op.f("ck_messages_review_status"), type_="check")
        messages.drop_constraint(op.f("fk_messages_reviewed_by_users"), type_="foreignkey")
        for column in ("reviewed_at", "reviewed_by", "reviewed_intent", "review_status"):
            messages.drop_column(column)
