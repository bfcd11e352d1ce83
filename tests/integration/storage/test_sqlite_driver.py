"""SQLite on the loop's thread: a database locked by another process is waited for without
blocking the loop, and given up after the busy budget."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.storage import sqlite_driver
from bot.storage.database import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.connect(f"sqlite+aiosqlite:///{tmp_path}/locked.db")
    async with database.transaction() as connection:
        await connection.execute(text("CREATE TABLE notes (body TEXT)"))
    yield database
    await database.close()


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's writer (a `polres` command, say), in the middle of its transaction."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO notes VALUES ('other')")
    return other


async def test_a_write_waits_for_the_lock_while_the_loop_runs_on(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    other = hold_write_lock(tmp_path / "locked.db")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def write() -> None:
        async with db.transaction() as connection:
            await connection.execute(text("INSERT INTO notes VALUES ('ours')"))

    ticker = asyncio.create_task(tick())
    writing = asyncio.create_task(write())
    await asyncio.sleep(0.3)
    assert not writing.done()
    assert ticks >= 10  # the loop was not blocked while the write waited
    other.execute("COMMIT")
    await asyncio.wait_for(writing, 2)
    ticker.cancel()
    async with db.engine.connect() as connection:
        notes = (await connection.scalars(text("SELECT body FROM notes ORDER BY rowid"))).all()
    assert notes == ["other", "ours"]
    # Waiting for the lock is not holding the loop.
    assert not [r for r in caplog.records if "held the event loop" in r.getMessage()]


async def test_a_lock_held_past_the_budget_is_an_error_and_writes_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "BUSY_TIMEOUT_SECONDS", 0.2)
    other = hold_write_lock(tmp_path / "locked.db")
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        async with db.transaction() as connection:
            await connection.execute(text("INSERT INTO notes VALUES ('ours')"))
    assert 0.2 <= time.monotonic() - started < 2
    other.execute("ROLLBACK")
    async with db.engine.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM notes")) == 0


async def test_a_statement_that_holds_the_loop_long_is_logged_without_its_values(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sqlite_driver, "SLOW_STATEMENT_SECONDS", 0.0)
    async with db.transaction() as connection:
        await connection.execute(text("INSERT INTO notes VALUES (:body)"), {"body": "rahasia"})
    [record] = [r for r in caplog.records if "notes" in r.getMessage()]
    assert record.levelname == "WARNING"
    assert "SQLite held the event loop" in record.getMessage()
    assert "INSERT INTO notes VALUES (?)" in record.getMessage()
    assert "rahasia" not in record.getMessage()
