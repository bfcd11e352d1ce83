"""A citizen's open dialog: one row per citizen, written by the pipeline and the dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.types import DialogState
from bot.storage import models

S = cast(Table, models.DialogStateRow.__table__)


async def store_state(
    connection: AsyncConnection, citizen_id: int, state: DialogState | None, now: datetime
) -> None:
    """Set the citizen's dialog (None clears it); an upsert, so concurrent writers never clash."""
    if state is None:
        await connection.execute(delete(S).where(S.c.citizen_id == citizen_id))
        return
    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    upsert = dialect_insert(S).values(
        citizen_id=citizen_id,
        dialog=state.dialog,
        step=state.step,
        data=dict(state.data),
        updated_at=now,
    )
    await connection.execute(
        upsert.on_conflict_do_update(
            index_elements=["citizen_id"],
            set_={
                "dialog": upsert.excluded.dialog,
                "step": upsert.excluded.step,
                "data": upsert.excluded.data,
                "updated_at": upsert.excluded.updated_at,
            },
        )
    )


async def end_state(connection: AsyncConnection, citizen_id: int, dialog: str) -> None:
    """Close the citizen's dialog if it is `dialog` (another one is left open)."""
    await connection.execute(delete(S).where(S.c.citizen_id == citizen_id, S.c.dialog == dialog))
