"""SqlModelVersions: one training at a time, one active version, the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.core.errors import InvalidInput
from bot.storage import models
from bot.storage.database import Database
from bot.storage.model_versions import SqlModelVersions, TrainingBusy
from bot.storage.models import utcnow


@pytest.fixture
def versions(db: Database) -> SqlModelVersions:
    return SqlModelVersions(db)


async def ready(versions: SqlModelVersions, name: str, by: str = "admin") -> int:
    version_id = await versions.start_training("abc123abc123", by, f"/tmp/{name}.log")
    await versions.finish_training(version_id, f"{name}.tar.gz", 180.5)
    return version_id


async def test_a_training_is_recorded_then_finished(versions: SqlModelVersions) -> None:
    version_id = await versions.start_training("abc123abc123", "rina", "/tmp/t.log")
    training = await versions.get(version_id)
    assert training is not None
    assert (training.status, training.created_by, training.model_file) == ("training", "rina", None)
    await versions.finish_training(version_id, "nlu-abc123abc123.tar.gz", 201.0)
    await versions.record_metrics(version_id, {"split": "s", "category_macro_f1": 0.9})
    done = await versions.get(version_id)
    assert done is not None
    assert (done.status, done.name, done.train_seconds) == ("ready", "nlu-abc123abc123", 201.0)
    assert done.metrics == {"split": "s", "category_macro_f1": 0.9}
    assert await versions.by_file("nlu-abc123abc123.tar.gz") == done


async def test_only_one_training_at_a_time(versions: SqlModelVersions) -> None:
    first = await versions.start_training("abc123abc123", "rina", "/tmp/1.log")
    with pytest.raises(TrainingBusy):
        await versions.start_training("abc123abc123", "bayu", "/tmp/2.log")
    await versions.fail_training(first, "rasa train failed")
    failed = await versions.get(first)
    assert failed is not None
    assert (failed.status, failed.error) == ("failed", "rasa train failed")
    await versions.start_training("abc123abc123", "bayu", "/tmp/3.log")  # free again


async def test_a_training_abandoned_by_a_dead_process_does_not_block(
    versions: SqlModelVersions, db: Database
) -> None:
    stale = await versions.start_training("abc123abc123", "rina", "/tmp/1.log")
    async with db.transaction() as connection:
        await connection.execute(
            update(models.ModelVersion)
            .where(models.ModelVersion.id == stale)
            .values(created_at=utcnow() - timedelta(hours=4))
        )
    await versions.start_training("abc123abc123", "bayu", "/tmp/2.log")
    abandoned = await versions.get(stale)
    assert abandoned is not None
    assert abandoned.status == "failed"


async def test_one_active_version_and_rollback(versions: SqlModelVersions, db: Database) -> None:
    first = await ready(versions, "nlu-first")
    second = await ready(versions, "nlu-second")
    assert await versions.active() is None
    await versions.activate(first, "cli")
    await versions.activate(second, "rina", "better urgent recall")
    active = await versions.active()
    assert active is not None
    assert (active.id, active.activated_by, active.activation_reason) == (
        second,
        "rina",
        "better urgent recall",
    )
    await versions.activate(first, "rina")  # roll back
    assert [v.id for v in await versions.all() if v.active] == [first]
    assert [v.id for v in await versions.all()] == [second, first]  # newest first
    async with db.engine.connect() as connection:
        actions = (
            await connection.execute(
                select(models.AuditEntry.action, models.AuditEntry.actor).order_by(
                    models.AuditEntry.id
                )
            )
        ).all()
    assert [tuple(a) for a in actions if a[0] == "model.activated"] == [
        ("model.activated", "cli"),
        ("model.activated", "rina"),
        ("model.activated", "rina"),
    ]


async def test_only_a_ready_version_can_be_activated(versions: SqlModelVersions) -> None:
    training = await versions.start_training("abc123abc123", "rina", "/tmp/1.log")
    with pytest.raises(InvalidInput, match="not a ready model"):
        await versions.activate(training, "rina")
    with pytest.raises(InvalidInput):
        await versions.activate(999, "rina")
