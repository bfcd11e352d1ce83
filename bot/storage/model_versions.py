"""NLU model versions: who trained what, how it scored, which one serves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Row, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.errors import InvalidInput
from bot.storage import audit, models
from bot.storage.database import Database
from bot.storage.models import utcnow

V = cast(Table, models.ModelVersion.__table__)
# A training row older than this belongs to a process that died: it no longer blocks others.
ABANDONED_AFTER = timedelta(hours=3)


@dataclass(frozen=True)
class ModelVersion:
    id: int
    fingerprint: str
    model_file: str | None
    status: str  # training | ready | failed
    created_at: datetime
    created_by: str
    finished_at: datetime | None
    train_seconds: float | None
    log_file: str | None
    error: str | None
    metrics: dict[str, Any] | None
    active: bool
    activated_at: datetime | None
    activated_by: str | None
    activation_reason: str | None

    @property
    def name(self) -> str:
        """The model's name as Rasa reports it, e.g. nlu-1a2b3c4d5e6f."""
        return (self.model_file or "").removesuffix(".tar.gz")


class TrainingBusy(InvalidInput):
    """Another model is being trained right now."""


class SqlModelVersions:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def start_training(self, fingerprint: str, by: str, log_file: str) -> int:
        """Record a training that starts now; raises TrainingBusy while another one runs."""
        now = utcnow()
        try:
            async with self.db.transaction() as connection:
                await connection.execute(
                    update(V)
                    .where(V.c.status == "training", V.c.created_at < now - ABANDONED_AFTER)
                    .values(status="failed", error="abandoned: its process stopped")
                )
                version_id = await connection.scalar(
                    insert(V)
                    .values(
                        fingerprint=fingerprint,
                        status="training",
                        created_at=now,
                        created_by=by,
                        log_file=log_file,
                    )
                    .returning(V.c.id)
                )
                await audit.record(connection, by, "model.training", {"version": version_id})
        except IntegrityError:
            raise TrainingBusy("a model is being trained already; wait for it to finish") from None
        assert version_id is not None
        return int(version_id)

    async def finish_training(self, version_id: int, model_file: str, seconds: float) -> None:
        await self._set(
            version_id,
            status="ready",
            model_file=model_file,
            train_seconds=seconds,
            finished_at=utcnow(),
        )

    async def fail_training(self, version_id: int, error: str) -> None:
        await self._set(version_id, status="failed", error=error[:2000], finished_at=utcnow())

    async def record_metrics(self, version_id: int, metrics: dict[str, Any]) -> None:
        await self._set(version_id, metrics=metrics)

    async def all(self) -> list[ModelVersion]:
        """Newest first."""
        async with self.db.engine.connect() as connection:
            rows = await connection.execute(select(V).order_by(V.c.id.desc()))
            return [_version(row) for row in rows]

    async def get(self, version_id: int) -> ModelVersion | None:
        return await self._one(V.c.id == version_id)

    async def active(self) -> ModelVersion | None:
        return await self._one(V.c.active.is_(True))

    async def by_file(self, model_file: str) -> ModelVersion | None:
        """The newest ready version with this model file."""
        async with self.db.engine.connect() as connection:
            row = (
                await connection.execute(
                    select(V)
                    .where(V.c.model_file == model_file, V.c.status == "ready")
                    .order_by(V.c.id.desc())
                    .limit(1)
                )
            ).first()
        return _version(row) if row is not None else None

    async def activate(self, version_id: int, by: str, reason: str | None = None) -> None:
        """Make a ready version the active one (the serving process switches to it)."""
        async with self.db.transaction() as connection:
            status = await connection.scalar(select(V.c.status).where(V.c.id == version_id))
            if status != "ready":
                raise InvalidInput(f"model version {version_id} is not a ready model")
            await connection.execute(update(V).where(V.c.active.is_(True)).values(active=False))
            await connection.execute(
                update(V)
                .where(V.c.id == version_id)
                .values(
                    active=True, activated_at=utcnow(), activated_by=by, activation_reason=reason
                )
            )
            detail: dict[str, Any] = {"version": version_id}
            if reason:
                detail["reason"] = reason
            await audit.record(connection, by, "model.activated", detail)

    async def _set(self, version_id: int, **values: Any) -> None:
        async with self.db.transaction() as connection:
            await connection.execute(update(V).where(V.c.id == version_id).values(**values))

    async def _one(self, condition: Any) -> ModelVersion | None:
        async with self.db.engine.connect() as connection:
            row = (await connection.execute(select(V).where(condition))).first()
        return _version(row) if row is not None else None


def _version(row: Row[Any]) -> ModelVersion:
    return ModelVersion(**row._asdict())
