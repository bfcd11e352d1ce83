"""Images in the database (bot.core.images), shared by every instance."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.exc import IntegrityError

from bot.core.images import Image, read_image
from bot.storage import models
from bot.storage.database import Database

IMG = cast(Table, models.Image.__table__)
B = cast(Table, models.Broadcast.__table__)


class SqlImages:
    """Implements bot.core.ports.Images."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def save(self, data: bytes, by: str) -> str:
        """Store an uploaded picture (once, however often it is uploaded); its id. Raises
        InvalidInput unless it is a JPEG or PNG small enough to send."""
        image = read_image(data)
        if await self.exists(image.id):
            return image.id
        try:
            async with self.db.transaction() as connection:
                await connection.execute(
                    insert(IMG).values(id=image.id, mime=image.mime, data=image.data, created_by=by)
                )
        except IntegrityError:
            pass  # the same picture, stored by someone else a moment ago
        return image.id

    async def exists(self, image_id: str) -> bool:
        async with self.db.engine.connect() as connection:
            found = await connection.scalar(select(IMG.c.id).where(IMG.c.id == image_id))
        return found is not None

    async def forget_unused(self, before: datetime) -> int:
        """Delete the pictures stored before `before` that no broadcast uses (chosen for a
        preview, then dropped or never sent); how many."""
        used = select(B.c.id).where(B.c.image_id == IMG.c.id).exists()
        async with self.db.transaction() as connection:
            result = await connection.execute(delete(IMG).where(IMG.c.created_at < before, ~used))
        return int(result.rowcount)

    async def load(self, image_id: str) -> Image:
        async with self.db.engine.connect() as connection:
            row = (await connection.execute(select(IMG).where(IMG.c.id == image_id))).first()
        if row is None:
            raise KeyError(image_id)
        return Image(row.id, row.mime, row.data)
