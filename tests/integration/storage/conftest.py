"""Storage fixtures: every test runs on SQLite (a fresh file) and PostgreSQL (a fresh schema).

PostgreSQL: one randomly named database per session on the server POLRES_TEST_PG_URL names,
dropped at the end; its public schema is recreated before each test.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL, ClauseElement, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql.compiler import SQLCompiler

from bot.storage.database import Database
from bot.storage.inbox import SqlInbox
from bot.storage.outbox import SqlOutbox
from bot.storage.queries import Queries
from bot.storage.schema import upgrade

PG_URL = os.environ.get("POLRES_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
async def pg_engine() -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh database created for this test session."""
    server = make_url(PG_URL)
    name = f"polres_test_{secrets.token_hex(6)}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except (OSError, SQLAlchemyError) as error:
        await admin.dispose()
        pytest.fail(
            f"PostgreSQL at {server} is needed (POLRES_TEST_PG_URL; skip with -m 'not postgres'): "
            f"{error}"
        )
    engine = create_async_engine(server.set(database=name), isolation_level="AUTOCOMMIT")
    yield engine
    await engine.dispose()
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture
async def empty_pg_url(pg_engine: AsyncEngine) -> str:
    async with pg_engine.connect() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    url: URL = pg_engine.url
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database (PostgreSQL is only set up when its tests run)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'polres.db'}"
    url: str = request.getfixturevalue("empty_pg_url")
    return url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A database migrated to head."""
    await upgrade(database_url)
    database = Database.connect(database_url)
    yield database
    await database.close()


QueryPlan = Callable[..., Awaitable[list[str]]]


@pytest.fixture
def query_plan(db: Database) -> QueryPlan:
    """SQLite's plan of a statement, one line per step: `plan(sql, positional parameters)` or
    `plan(statement, {name: value})`. Skipped on PostgreSQL, whose planner scans a tiny test
    table whatever its indexes."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans a tiny test table with sequential scans whatever its indexes")

    async def plan(statement: str | ClauseElement, values: Any = ()) -> list[str]:
        if not isinstance(statement, str):
            query = statement.compile(db.engine.sync_engine)
            assert isinstance(query, SQLCompiler)  # a SQL statement, not DDL
            bound = query.construct_params(values or {})
            statement, values = str(query), [bound[name] for name in query.positiontup or ()]
        async with db.engine.connect() as connection:
            steps = await connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", tuple(values)
            )
            return [step[3] for step in steps]

    return plan


@pytest.fixture
def inbox(db: Database) -> SqlInbox:
    return SqlInbox(db)


@pytest.fixture
def outbox(db: Database) -> SqlOutbox:
    return SqlOutbox(db)


@pytest.fixture
def queries(db: Database) -> Queries:
    return Queries(db)
