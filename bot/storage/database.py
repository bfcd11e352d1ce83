"""The database connection: one async engine and its session factory."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import URL, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.core.errors import ConfigError, ServiceUnavailable
from bot.storage import sqlite_driver

# What a DATABASE_URL may name, and the async driver each one runs on.
DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
PG_CONNECT_TIMEOUT_S = 10


def parse_url(url: str | URL) -> URL:
    """The URL with its async driver; raises ConfigError (without the password) when unusable."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a database URL: expected e.g. sqlite+aiosqlite:///polres.db "
            "or postgresql+asyncpg://user:password@host/polres"
        ) from None
    driver = DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ConfigError(
            f"DATABASE_URL names unknown database driver {parsed.drivername!r}: "
            "use sqlite+aiosqlite or postgresql+asyncpg"
        )
    return parsed.set(drivername=driver)


def describe(url: URL) -> str:
    """Where a database lives, for messages: host/database or file path, never the password."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite {url.database or ':memory:'}"
    return f"PostgreSQL {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


class Database:
    """An async engine plus `sessions`, a session factory that keeps objects usable after commit."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            engine, expire_on_commit=False
        )
        # SQLite has one writer: queuing writers here spares them its busy-wait sleeps and
        # "database is locked" errors under bursts. PostgreSQL needs no such queue.
        self._writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A connection in a write transaction, committed on success, rolled back on error."""
        async with contextlib.AsyncExitStack() as stack:
            if self._writer is not None:
                await stack.enter_async_context(self._writer)
            yield await stack.enter_async_context(self.engine.begin())

    @classmethod
    def connect(cls, url: str | URL) -> Database:
        """Build the engine (no connection is made yet: `ping` checks the database is there)."""
        parsed = parse_url(url)
        try:
            if parsed.get_backend_name() == "sqlite":
                engine = create_async_engine(parsed, async_creator=sqlite_driver.creator(parsed))
            else:
                engine = create_async_engine(
                    parsed, pool_pre_ping=True, connect_args={"timeout": PG_CONNECT_TIMEOUT_S}
                )
        except (ArgumentError, ImportError) as error:
            raise ConfigError(f"DATABASE_URL for {describe(parsed)} is unusable: {error}") from None
        return cls(engine)

    async def ping(self) -> None:
        """SELECT 1; raises ServiceUnavailable naming the database when it cannot be reached."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:  # drivers raise their own types while connecting
            raise ServiceUnavailable(
                f"database {describe(self.engine.url)} cannot be reached: {self._reason(error)}"
            ) from error

    async def close(self) -> None:
        await self.engine.dispose()

    def _reason(self, error: BaseException) -> str:
        cause = error.orig if isinstance(error, DBAPIError) and error.orig else error
        lines = str(cause).strip().splitlines()
        reason = lines[0] if lines else type(cause).__name__
        password = self.engine.url.password
        return reason.replace(password, "***") if password else reason
