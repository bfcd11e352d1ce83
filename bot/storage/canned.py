"""Canned replies: ready answers per language, managed by admins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from bot.storage import audit, models
from bot.storage.database import Database
from bot.storage.models import utcnow


@dataclass(frozen=True)
class CannedReply:
    id: int
    language: str
    title: str
    text: str


class SqlCannedReplies:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self, language: str | None = None) -> list[CannedReply]:
        query = select(
            models.CannedReply.id,
            models.CannedReply.language,
            models.CannedReply.title,
            models.CannedReply.text,
        ).order_by(models.CannedReply.language, models.CannedReply.title)
        if language is not None:
            query = query.where(models.CannedReply.language == language)
        async with self.db.engine.connect() as connection:
            return [CannedReply(*row) for row in await connection.execute(query)]

    async def add(self, language: str, title: str, text: str, by: str) -> None:
        async with self.db.transaction() as connection:
            await connection.execute(
                insert(models.CannedReply).values(
                    language=language, title=title, text=text, created_at=utcnow()
                )
            )
            await audit.record(
                connection, by, "canned.added", {"language": language, "title": title}
            )

    async def remove(self, reply_id: int, by: str) -> None:
        async with self.db.transaction() as connection:
            await connection.execute(
                delete(models.CannedReply).where(models.CannedReply.id == reply_id)
            )
            await audit.record(connection, by, "canned.removed", {"id": reply_id})
