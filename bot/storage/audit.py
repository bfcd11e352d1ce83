"""The audit log: who did what, when, to which ticket."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import models
from bot.storage.models import utcnow

_INSERT = insert(models.AuditEntry)  # built once: every ticket a turn opens adds an entry


async def record(
    connection: AsyncConnection,
    actor: str,
    action: str,
    detail: dict[str, Any],
    ticket_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """Add an entry inside the caller's transaction, so it lands exactly when the action does."""
    await connection.execute(
        _INSERT,
        {
            "at": at or utcnow(),
            "actor": actor,
            "action": action,
            "ticket_id": ticket_id,
            "detail": detail,
        },
    )
