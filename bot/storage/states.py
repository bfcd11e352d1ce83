"""A citizen's open dialog: one row per citizen, written by the pipeline and the dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql.dml import Insert as PgInsert
from sqlalchemy.dialects.sqlite.dml import Insert as SqliteInsert
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.types import DialogState
from bot.storage import models

S = cast(Table, models.DialogStateRow.__table__)


def _upsert(insert: PgInsert | SqliteInsert) -> PgInsert | SqliteInsert:
    """Insert the citizen's row, or replace its dialog, step, data and time."""
    return insert.on_conflict_do_update(
        index_elements=["citizen_id"],
        set_={
            column: insert.excluded[column] for column in ("dialog", "step", "data", "updated_at")
        },
    )


# Built once (a turn that moves a dialog on stores its state).
_UPSERTS = {"postgresql": _upsert(postgresql.insert(S)), "sqlite": _upsert(sqlite.insert(S))}
_CLEAR = delete(S).where(S.c.citizen_id == bindparam("citizen_id"))


async def store_state(
    connection: AsyncConnection, citizen_id: int, state: DialogState | None, now: datetime
) -> None:
    """Set the citizen's dialog (None clears it); an upsert, so concurrent writers never clash."""
    if state is None:
        await connection.execute(_CLEAR, {"citizen_id": citizen_id})
        return
    await connection.execute(
        _UPSERTS[connection.dialect.name],
        {
            "citizen_id": citizen_id,
            "dialog": state.dialog,
            "step": state.step,
            "data": dict(state.data),
            "updated_at": now,
        },
    )


async def end_state(connection: AsyncConnection, citizen_id: int, dialog: str) -> None:
    """Close the citizen's dialog if it is `dialog` (another one is left open)."""
    await connection.execute(delete(S).where(S.c.citizen_id == citizen_id, S.c.dialog == dialog))
