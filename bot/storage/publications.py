"""Activity reports and hoax clarifications that admins publish on /transparansi."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from bot.core.errors import InvalidInput
from bot.storage import audit, models
from bot.storage.database import Database
from bot.storage.models import PUBLICATION_KINDS, utcnow

MAX_TITLE, MAX_BODY = 200, 4000


@dataclass(frozen=True)
class Publication:
    id: int
    kind: str  # report or hoax
    title: str
    body: str
    published_at: datetime
    broadcast_id: int | None


class SqlPublications:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def publish(self, kind: str, title: str, body: str, by: str) -> int:
        """Raises InvalidInput for an unknown kind, or an empty or too long title or body."""
        title, body = title.strip(), body.strip()
        if kind not in PUBLICATION_KINDS:
            raise InvalidInput(f"kind must be one of {', '.join(PUBLICATION_KINDS)}")
        if not title or not body or len(title) > MAX_TITLE or len(body) > MAX_BODY:
            raise InvalidInput(
                f"a publication needs a title (at most {MAX_TITLE} characters) and a text "
                f"(at most {MAX_BODY})"
            )
        now = utcnow()
        async with self.db.transaction() as connection:
            publication_id = await connection.scalar(
                insert(models.Publication)
                .values(kind=kind, title=title, body=body, published_by=by, published_at=now)
                .returning(models.Publication.id)
            )
            assert publication_id is not None
            detail = {"publication_id": publication_id, "kind": kind}
            await audit.record(connection, by, "publication.published", detail, at=now)
        return int(publication_id)

    async def link_broadcast(self, publication_id: int, broadcast_id: int) -> None:
        async with self.db.transaction() as connection:
            await connection.execute(
                update(models.Publication)
                .where(models.Publication.id == publication_id)
                .values(broadcast_id=broadcast_id)
            )

    async def latest(self, limit: int = 20) -> list[Publication]:
        p = models.Publication
        async with self.db.engine.connect() as connection:
            rows = await connection.execute(
                select(p.id, p.kind, p.title, p.body, p.published_at, p.broadcast_id)
                .order_by(p.published_at.desc(), p.id.desc())
                .limit(limit)
            )
            return [Publication(*row) for row in rows]
