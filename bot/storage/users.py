"""Dashboard accounts, failed-login counting and login sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.errors import InvalidInput
from bot.core.types import Role, User
from bot.storage import audit, models
from bot.storage.database import Database
from bot.storage.models import utcnow


@dataclass(frozen=True)
class Credentials:
    user: User
    password_hash: str
    locked_until: datetime | None


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str


class SqlUsers:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, username: str, password_hash: str, role: Role, by: str) -> User:
        """Create an account (`by`: who, for the audit log); raises InvalidInput when the
        username is taken."""
        try:
            async with self.db.transaction() as connection:
                user_id = await connection.scalar(
                    insert(models.User)
                    .values(
                        username=username,
                        password_hash=password_hash,
                        role=role.value,
                        disabled=False,
                        failed_logins=0,
                        created_at=utcnow(),
                    )
                    .returning(models.User.id)
                )
                detail = {"username": username, "role": role.value}
                await audit.record(connection, by, "user.added", detail)
        except IntegrityError:
            raise InvalidInput(f"user {username!r} already exists") from None
        assert user_id is not None
        return User(id=user_id, username=username, role=role)

    async def disable(self, username: str, by: str) -> bool:
        """Disable an account and end its sessions; False when there is no such user."""
        async with self.db.transaction() as connection:
            user_id = await connection.scalar(
                update(models.User)
                .where(models.User.username == username)
                .values(disabled=True)
                .returning(models.User.id)
            )
            if user_id is None:
                return False
            await connection.execute(
                delete(models.WebSession).where(models.WebSession.user_id == user_id)
            )
            await audit.record(connection, by, "user.disabled", {"username": username})
            return True

    async def all(self) -> list[User]:
        async with self.db.engine.connect() as connection:
            rows = await connection.execute(_select_users().order_by(models.User.username))
            return [_user(row) for row in rows]

    async def credentials(self, username: str) -> Credentials | None:
        async with self.db.engine.connect() as connection:
            row = (
                await connection.execute(
                    _select_users(models.User.password_hash, models.User.locked_until).where(
                        models.User.username == username
                    )
                )
            ).first()
        if row is None:
            return None
        return Credentials(_user(row), row.password_hash, row.locked_until)

    async def login_failed(
        self, user_id: int, now: datetime, lock_after: int, lock_for: timedelta
    ) -> None:
        """Count a failed login; the `lock_after`-th in a row locks the account for a while."""
        async with self.db.transaction() as connection:
            failures = await connection.scalar(
                update(models.User)
                .where(models.User.id == user_id)
                .values(failed_logins=models.User.failed_logins + 1)
                .returning(models.User.failed_logins)
            )
            await audit.record(connection, "login", "user.login_failed", {"user_id": user_id})
            if failures is not None and failures >= lock_after:
                await connection.execute(
                    update(models.User)
                    .where(models.User.id == user_id)
                    .values(failed_logins=0, locked_until=now + lock_for)
                )

    async def start_session(
        self, user_id: int, token_hash: str, csrf_token: str, expires_at: datetime
    ) -> None:
        """A successful login: failures forgotten, a new session stored."""
        async with self.db.transaction() as connection:
            await connection.execute(
                update(models.User)
                .where(models.User.id == user_id)
                .values(failed_logins=0, locked_until=None)
            )
            await connection.execute(
                insert(models.WebSession).values(
                    token_hash=token_hash,
                    user_id=user_id,
                    csrf_token=csrf_token,
                    created_at=utcnow(),
                    expires_at=expires_at,
                )
            )
            await audit.record(connection, "login", "user.login", {"user_id": user_id})

    async def session(self, token_hash: str, now: datetime) -> Session | None:
        """The live session with this token, of an enabled user."""
        async with self.db.engine.connect() as connection:
            row = (
                await connection.execute(
                    _select_users(models.WebSession.csrf_token)
                    .join(models.WebSession, models.WebSession.user_id == models.User.id)
                    .where(
                        models.WebSession.token_hash == token_hash,
                        models.WebSession.expires_at > now,
                        models.User.disabled.is_(False),
                    )
                )
            ).first()
        return Session(_user(row), row.csrf_token) if row else None

    async def end_session(self, token_hash: str) -> None:
        async with self.db.transaction() as connection:
            await connection.execute(
                delete(models.WebSession).where(models.WebSession.token_hash == token_hash)
            )


def _select_users(*extra: Any) -> Any:
    return select(
        models.User.id, models.User.username, models.User.role, models.User.disabled, *extra
    )


def _user(row: Row[Any]) -> User:
    return User(id=row.id, username=row.username, role=Role(row.role), disabled=row.disabled)
