"""Disaster mode: switched on by an admin for an area with a message, read with every turn."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Update, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.content import language_variants
from bot.core.evacuation import DisasterAlert
from bot.core.subscriptions import area_of
from bot.storage import audit, models
from bot.storage.database import Database
from bot.storage.models import utcnow

D = models.DisasterMode
_ACTIVE = select(D.area, D.texts, D.started_at).where(D.ended_at.is_(None)).order_by(D.id)


async def active_alerts(connection: AsyncConnection) -> list[DisasterAlert]:
    return [DisasterAlert(*row) for row in await connection.execute(_ACTIVE)]


class SqlDisasters:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def switch_on(self, area: str | None, texts: Mapping[str, str], by: str) -> None:
        """On for `area` (None: everywhere), replacing an earlier message for that area."""
        variants = language_variants(texts, "disaster mode")
        where = area_of(area) if area else None
        now = utcnow()
        async with self.db.transaction() as connection:
            await connection.execute(_end(where).values(ended_at=now))
            await connection.execute(
                insert(D).values(area=where, texts=variants, started_by=by, started_at=now)
            )
            await audit.record(connection, by, "disaster.on", {"area": where}, at=now)

    async def switch_off(self, area: str | None, by: str) -> int:
        """Off for `area` (None: everywhere); returns how many were on."""
        where = area_of(area) if area else None
        now = utcnow()
        async with self.db.transaction() as connection:
            statement = _end(where) if where else update(D).where(D.ended_at.is_(None))
            ended = (await connection.execute(statement.values(ended_at=now))).rowcount
            await audit.record(connection, by, "disaster.off", {"area": where}, at=now)
        return int(ended or 0)

    async def active(self) -> list[DisasterAlert]:
        async with self.db.engine.connect() as connection:
            return await active_alerts(connection)


def _end(area: str | None) -> Update:
    same = D.area.is_(None) if area is None else D.area == area
    return update(D).where(D.ended_at.is_(None), same)
