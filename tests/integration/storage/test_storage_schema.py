"""Migrations, schema check and connection errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from bot.core.errors import ConfigError, SchemaOutdated, ServiceUnavailable
from bot.core.ports import Decision
from bot.core.types import Inbound, Outcome
from bot.storage import models
from bot.storage.database import Database
from bot.storage.inbox import SqlInbox
from bot.storage.models import Base
from bot.storage.schema import alembic_config, check_schema, head, upgrade


async def test_check_schema_refuses_an_empty_database(database_url: str) -> None:
    db = Database.connect(database_url)
    try:
        with pytest.raises(SchemaOutdated, match=rf"code needs {head()}: run `polres db upgrade`"):
            await check_schema(db.engine)
    finally:
        await db.close()


async def test_upgrade_from_empty_reaches_head(database_url: str) -> None:
    assert await upgrade(database_url) is None  # it was empty
    assert await upgrade(database_url) == head()  # at head already: nothing to do
    db = Database.connect(database_url)
    try:
        await check_schema(db.engine)
        async with db.engine.connect() as connection:
            revision = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
            assert revision == head()
    finally:
        await db.close()


async def test_migrations_match_the_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
            )
        )
    assert differences == []


async def test_ping_succeeds_on_a_migrated_database(db: Database) -> None:
    await db.ping()


async def test_sqlite_connections_use_wal_and_foreign_keys_and_wait_in_the_loop(
    tmp_path: Path,
) -> None:
    """SQLite's busy handler is off: bot.storage.sqlite_driver waits without blocking."""
    db = Database.connect(f"sqlite+aiosqlite:///{tmp_path}/pragmas.db")
    try:
        async with db.engine.connect() as connection:
            pragmas = [
                await connection.scalar(text(f"PRAGMA {name}"))
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            ]
        assert pragmas == ["wal", 1, 0]
    finally:
        await db.close()


@pytest.mark.parametrize(
    "url",
    ["mysql+pymysql://user:secret@db/polres", "not a url", "oracle://user:secret@db/polres"],
)
def test_unusable_url_is_a_config_error_without_the_password(url: str) -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL") as raised:
        Database.connect(url)
    assert "secret" not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_plain_driver_names_get_the_async_driver() -> None:
    assert Database.connect("postgresql://u@h/db").engine.url.drivername == "postgresql+asyncpg"
    assert Database.connect("sqlite:///x.db").engine.url.drivername == "sqlite+aiosqlite"


async def test_unreachable_postgres_names_host_but_not_password() -> None:
    db = Database.connect("postgresql+asyncpg://polres:s3cr3t-pw@127.0.0.1:1/polres")
    try:
        with pytest.raises(ServiceUnavailable, match=r"127\.0\.0\.1:1/polres") as raised:
            await db.ping()
    finally:
        await db.close()
    message = str(raised.value)
    assert "s3cr3t-pw" not in message
    assert "\n" not in message


async def test_unreachable_sqlite_file_names_the_path(tmp_path: Path) -> None:
    path = f"{tmp_path}/missing/dir/polres.db"
    db = Database.connect(f"sqlite+aiosqlite:///{path}")
    try:
        with pytest.raises(ServiceUnavailable, match=r"missing/dir/polres\.db"):
            await db.ping()
    finally:
        await db.close()


async def test_0014_clears_the_old_review_flags(database_url: str) -> None:
    """needs_review was set for clarification questions and officers' corrections, which the
    review lists by their own columns; from 0014 it means overruled by the bot's rules."""
    db = Database.connect(database_url)
    try:
        assert await upgrade(database_url) is None  # the models are head's: flag a row there,
        inbox = SqlInbox(db)
        accepted = await inbox.accept(Inbound("telegram", "c1", "m1", "mau tanya"))
        flagged = Decision(Outcome(needs_review=True), None, "id", "PL-X", None)
        await inbox.commit(accepted.message_id, flagged)
        async with db.engine.begin() as connection:  # then go back to before 0014
            await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0013"))

        assert await upgrade(database_url) == "0013"

        async with db.sessions() as session:
            flag = await session.scalar(
                select(models.Message.needs_review).where(models.Message.id == accepted.message_id)
            )
        assert flag is False
    finally:
        await db.close()
