"""Canned replies (seeded with the misconduct-complaint answer) and officers' intent corrections.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)

SEED = [
    (
        "id",
        "Pengaduan terhadap petugas (Propam / Dumas Presisi)",
        "Terima kasih atas laporan Anda. Pengaduan terhadap perilaku anggota Polri dapat "
        "disampaikan resmi melalui Propam Presisi (yanduan.propam.polri.go.id atau aplikasi "
        "Propam Presisi), WhatsApp Yanduan Divpropam 0855-5555-4141, atau Dumas Presisi. "
        "Anda juga dapat datang ke Seksi Propam Polres. Identitas pelapor dilindungi.",
    ),
    (
        "en",
        "Complaint about an officer (Propam / Dumas Presisi)",
        "Thank you for your report. Complaints about the conduct of police officers can be "
        "filed officially through Propam Presisi (yanduan.propam.polri.go.id or the Propam "
        "Presisi app), Divpropam's WhatsApp line 0855-5555-4141, or Dumas Presisi. You can also "
        "visit the Propam section of the Polres. The reporter's identity is protected.",
    ),
    (
        "id",
        "Petugas menuju lokasi",
        "Petugas kami sedang menuju lokasi. Tetap di tempat yang aman dan hubungi 110 bila "
        "keadaan memburuk.",
    ),
    (
        "en",
        "Officers on their way",
        "Our officers are on their way. Stay somewhere safe and call 110 if things get worse.",
    ),
    (
        "id",
        "Datang ke SPKT",
        "Untuk tindak lanjut, silakan datang ke SPKT Polres dengan membawa KTP dan bukti "
        "pendukung. Sebutkan kode laporan Anda kepada petugas.",
    ),
    (
        "en",
        "Visit the SPKT desk",
        "To follow up, please visit the Polres SPKT desk with your ID card and any evidence. "
        "Give the officer your report code.",
    ),
]


def upgrade() -> None:
    canned = op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        canned,
        [
            {"language": language, "title": title, "text": text, "created_at": now}
            for language, title, text in SEED
        ],
    )
    with op.batch_alter_table("messages") as messages:
        messages.add_column(sa.Column("corrected_intent", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as messages:
        messages.drop_column("corrected_intent")
    op.drop_table("canned_replies")
