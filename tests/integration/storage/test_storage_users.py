"""SqlUsers: accounts, lockout counting and login sessions, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.errors import InvalidInput
from bot.core.types import Role
from bot.storage import models
from bot.storage.database import Database
from bot.storage.users import SqlUsers

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture
def users(db: Database) -> SqlUsers:
    return SqlUsers(db)


async def test_add_and_find_credentials(users: SqlUsers) -> None:
    added = await users.add("siti", "hash-1", Role.OFFICER, by="cli")
    found = await users.credentials("siti")
    assert found is not None
    assert found.user == added
    assert found.password_hash == "hash-1"
    assert found.locked_until is None
    assert await users.credentials("nobody") is None


async def test_a_taken_username_is_refused(users: SqlUsers) -> None:
    await users.add("siti", "hash-1", Role.OFFICER, by="cli")
    with pytest.raises(InvalidInput, match="already exists"):
        await users.add("siti", "hash-2", Role.ADMIN, by="cli")
    assert [user.role for user in await users.all()] == [Role.OFFICER]


async def test_repeated_failures_lock_the_account_and_a_login_clears_them(
    users: SqlUsers,
) -> None:
    user = await users.add("siti", "hash", Role.OFFICER, by="cli")
    for _ in range(4):
        await users.login_failed(user.id, NOW, lock_after=5, lock_for=timedelta(minutes=15))
    found = await users.credentials("siti")
    assert found is not None
    assert found.locked_until is None
    await users.login_failed(user.id, NOW, lock_after=5, lock_for=timedelta(minutes=15))
    locked = await users.credentials("siti")
    assert locked is not None
    assert locked.locked_until == NOW + timedelta(minutes=15)

    await users.start_session(user.id, "t" * 64, "csrf", NOW + timedelta(hours=1))
    cleared = await users.credentials("siti")
    assert cleared is not None
    assert cleared.locked_until is None


async def test_sessions_expire_end_and_die_with_a_disabled_user(users: SqlUsers) -> None:
    user = await users.add("siti", "hash", Role.OFFICER, by="cli")
    await users.start_session(user.id, "a" * 64, "csrf-a", NOW + timedelta(hours=1))
    await users.start_session(user.id, "b" * 64, "csrf-b", NOW + timedelta(hours=1))

    session = await users.session("a" * 64, NOW)
    assert session is not None
    assert session.user == user
    assert session.csrf_token == "csrf-a"
    assert await users.session("a" * 64, NOW + timedelta(hours=2)) is None  # expired

    await users.end_session("a" * 64)
    assert await users.session("a" * 64, NOW) is None
    assert await users.session("b" * 64, NOW) is not None

    assert await users.disable("siti", by="admin")
    assert await users.session("b" * 64, NOW) is None
    assert not await users.disable("nobody", by="admin")


async def test_account_changes_and_logins_are_audited(users: SqlUsers, db: Database) -> None:
    user = await users.add("siti", "hash", Role.OFFICER, by="admin")
    await users.login_failed(user.id, NOW, lock_after=5, lock_for=timedelta(minutes=15))
    await users.start_session(user.id, "a" * 64, "csrf", NOW + timedelta(hours=1))
    await users.disable("siti", by="admin")
    async with db.sessions() as session:
        rows = (
            await session.execute(
                select(models.AuditEntry.actor, models.AuditEntry.action).order_by(
                    models.AuditEntry.id
                )
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("admin", "user.added"),
        ("login", "user.login_failed"),
        ("login", "user.login"),
        ("admin", "user.disabled"),
    ]
