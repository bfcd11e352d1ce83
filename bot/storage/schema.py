"""Schema versions: upgrade a database to the Alembic head, or refuse to run on an old one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.errors import SchemaOutdated
from bot.storage.database import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's config, built in code; env.py migrates `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The revision this code needs."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None, "bot/storage/migrations has no revisions"
    return revision


async def upgrade(url: str) -> str | None:
    """Migrate the database at `url` to head and return the revision it was at before (None:
    an empty database); raises ServiceUnavailable when unreachable."""
    db = Database.connect(url)
    try:
        await db.ping()
        before = await current_revision(db.engine)
        async with db.engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
        return before
    finally:
        await db.close()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


async def check_schema(engine: AsyncEngine) -> None:
    """Raise SchemaOutdated unless the database is at head (an empty database is not)."""
    current, needed = await current_revision(engine), head()
    if current != needed:
        raise SchemaOutdated(
            f"database schema is at {current or 'nothing (empty database)'}, "
            f"code needs {needed}: run `polres db upgrade`"
        )
