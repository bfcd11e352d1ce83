"""Dashboard sessions (bot.web.auth.Auth) as the database keeps them: keyed by POLRES_SECRET_KEY,
on SQLite and PostgreSQL."""

from __future__ import annotations

from aiohttp.test_utils import make_mocked_request

from bot.core.types import Role
from bot.storage.database import Database
from bot.storage.users import SqlUsers
from bot.web.auth import SESSION_COOKIE, Auth, hash_password

PASSWORD = "sandi-rahasia-123"


async def test_a_session_is_known_only_under_the_key_it_was_started_with(db: Database) -> None:
    users = SqlUsers(db)
    await users.add("siti", await hash_password(PASSWORD), Role.OFFICER, by="cli")
    auth = Auth(users, "k" * 32)
    token = await auth.log_in("siti", PASSWORD, client="127.0.0.1")
    request = make_mocked_request(
        "GET", "/dashboard", headers={"Cookie": f"{SESSION_COOKIE}={token}"}
    )

    session = await auth.session(request)
    assert session is not None
    assert session.user.username == "siti"
    # Another key (another instance's, or a random one after a restart) does not know it.
    assert await Auth(users, "x" * 32).session(request) is None
    assert await Auth(users, "k" * 32).session(request) == session

    await auth.log_out(request)
    assert await auth.session(request) is None
