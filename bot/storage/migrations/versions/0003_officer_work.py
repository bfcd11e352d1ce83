"""The officer's side of a ticket: assignee, claim and close times, rating, notes, reply authors.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("tickets") as tickets:
        tickets.drop_column("assigned_to")
        tickets.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        tickets.add_column(sa.Column("claimed_at", UTC_DATETIME, nullable=True))
        tickets.add_column(sa.Column("closed_reason", sa.String(32), nullable=True))
        tickets.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        tickets.create_foreign_key(
            op.f("fk_tickets_assignee_id_users"), "users", ["assignee_id"], ["id"]
        )
        tickets.create_index(op.f("ix_tickets_assignee_id"), ["assignee_id"])
    with op.batch_alter_table("messages") as messages:
        messages.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        messages.create_foreign_key(
            op.f("fk_messages_author_id_users"), "users", ["author_id"], ["id"]
        )
    op.create_table(
        "ticket_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_notes_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_ticket_notes_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_notes")),
    )
    op.create_index(op.f("ix_ticket_notes_ticket_id"), "ticket_notes", ["ticket_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ticket_notes_ticket_id"), table_name="ticket_notes")
    op.drop_table("ticket_notes")
    with op.batch_alter_table("messages") as messages:
        messages.drop_constraint(op.f("fk_messages_author_id_users"), type_="foreignkey")
        messages.drop_column("author_id")
    with op.batch_alter_table("tickets") as tickets:
        tickets.drop_index(op.f("ix_tickets_assignee_id"))
        tickets.drop_constraint(op.f("fk_tickets_assignee_id_users"), type_="foreignkey")
        for column in ("rating", "closed_reason", "claimed_at", "assignee_id"):
            tickets.drop_column(column)
        tickets.add_column(sa.Column("assigned_to", sa.String(100), nullable=True))
