"""SQLite on the event loop's own thread, for SQLAlchemy's aiosqlite dialect.

aiosqlite runs every call in a thread of its own: a statement is four round trips between
threads (cursor, execute, fetch, close), about 0.6 ms however small the statement, where
SQLite itself takes some 20 µs for the bot's indexed statements. A turn is some fifteen
statements, so the trips were most of a message's time in the database. This connection does
what SQLAlchemy asks of an aiosqlite connection (`async_creator` of `create_async_engine`)
directly on the loop's thread.

SQLite's own busy handler would sleep in the loop's thread while another process (a `polres`
command) holds the write lock, so it is off (`timeout=0`): a statement that finds the database
locked is tried again after an asyncio sleep, until the same 5 s budget is spent. A statement
holds the loop while it runs, so what the bot runs often reads an index range, not a table; a
statement over SLOW_STATEMENT_SECONDS is logged.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import URL

BUSY_TIMEOUT_SECONDS = 5.0
# A statement that runs longer is logged: it held the loop (a query a page runs needs an index).
SLOW_STATEMENT_SECONDS = 0.1
# SQLITE_BUSY and SQLITE_BUSY_RECOVERY: the lock may be free on a later try. (SQLITE_BUSY_SNAPSHOT
# is not: the transaction read a version another writer has replaced since.)
_RETRYABLE = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_BUSY_RECOVERY}
_FIRST_PAUSE = 0.001
_LONGEST_PAUSE = 0.05

T = TypeVar("T")
log = logging.getLogger(__name__)


async def _when_unlocked(call: Callable[[], T], sql: str) -> T:
    """`call()` (running `sql`), tried again after a pause while the database is locked by
    another process; a try that held the loop over SLOW_STATEMENT_SECONDS is logged."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    pause = _FIRST_PAUSE
    while True:
        started = time.perf_counter()
        try:
            return call()
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode not in _RETRYABLE or time.monotonic() >= deadline:
                raise
        finally:
            held = time.perf_counter() - started
            if held > SLOW_STATEMENT_SECONDS:
                # The statement's text only: its values may be a citizen's words.
                log.warning("SQLite held the event loop %.0f ms: %.80s", held * 1000, sql)
        await asyncio.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE)


class LoopCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> LoopCursor:
        await _when_unlocked(lambda: self._cursor.execute(sql, parameters), sql)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> LoopCursor:
        rows = list(parameters)  # a retry needs them again
        await _when_unlocked(lambda: self._cursor.executemany(sql, rows), sql)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class LoopConnection:
    """The part of aiosqlite's Connection that SQLAlchemy's aiosqlite dialect uses."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    async def cursor(self) -> LoopCursor:
        return LoopCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> LoopCursor:
        return await (await self.cursor()).execute(sql, parameters)

    async def commit(self) -> None:
        await _when_unlocked(self._conn.commit, "COMMIT")

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self._conn.close()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate)."""
        self._conn.close()


def creator(url: URL) -> Callable[[], Awaitable[LoopConnection]]:
    """`async_creator` for create_async_engine: connections to the SQLite database `url`
    names, with the arguments SQLAlchemy's dialect would give sqlite3 (file, URI options),
    in WAL mode and with foreign keys enforced."""
    [database], options = url.get_dialect()().create_connect_args(url)
    options = {**options, "timeout": 0, "check_same_thread": False}

    async def connect() -> LoopConnection:
        connection = LoopConnection(sqlite3.connect(database, **options))
        for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON"):
            await (await connection.execute(pragma)).close()
        return connection

    return connect
