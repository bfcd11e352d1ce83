"""Dashboard login: argon2 passwords, server-side sessions, CSRF tokens, lockout and throttling.

The session cookie carries a random token; the database keeps only its HMAC-SHA256 under
POLRES_SECRET_KEY, so a leaked database does not hand out sessions, and a session holds across
restarts and instances only where the key is the same (unset, it is random per start: a restart
logs everybody out). Every login starts a new session (rotation). Each session has its CSRF
token, required on every state-changing request (form field `csrf_token` or header
`X-CSRF-Token`). The login form itself is protected by a double-submit cookie.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.core.ratelimit import KeyedWindows
from bot.storage.users import Session, SqlUsers

SESSION_COOKIE = "polres_session"
LOGIN_CSRF_COOKIE = "polres_login_csrf"
SESSION_LIFETIME = timedelta(hours=12)
LOCK_AFTER_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
LOGIN_ATTEMPTS_PER_MINUTE = 10  # per client address
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_KEY = "polres.session"  # where the middleware puts the Session on a request

_hasher = PasswordHasher()
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def hash_password(password: str) -> str:
    """Argon2id hash, computed off the event loop."""
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


class LoginRefused(Exception):
    """Wrong credentials, a disabled or locked account, or too many attempts; one message for
    all so that the answer does not tell which usernames exist."""


class Auth:
    def __init__(
        self, users: SqlUsers, secret_key: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.users = users
        self.clock = clock
        self._key = secret_key.encode()
        self._attempts = KeyedWindows(LOGIN_ATTEMPTS_PER_MINUTE, 60.0)

    async def log_in(self, username: str, password: str, client: str) -> str:
        """Check the credentials and start a session; returns the cookie token."""
        window = self._attempts.window(client, self.clock())
        if not window.allows(self.clock()):
            raise LoginRefused("terlalu banyak percobaan masuk; tunggu satu menit")
        window.record(self.clock())
        now = datetime.now(UTC)
        found = await self.users.credentials(username)
        if found is None:
            await verify_password(_dummy_hash(), password)  # as slow as a real check
            raise LoginRefused
        locked = found.locked_until is not None and found.locked_until > now
        if found.user.disabled or locked:
            raise LoginRefused
        if not await verify_password(found.password_hash, password):
            await self.users.login_failed(found.user.id, now, LOCK_AFTER_FAILURES, LOCK_DURATION)
            raise LoginRefused
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        await self.users.start_session(
            found.user.id, self._digest(token), csrf, now + SESSION_LIFETIME
        )
        return token

    async def session(self, request: web.Request) -> Session | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        return await self.users.session(self._digest(token), datetime.now(UTC))

    async def log_out(self, request: web.Request) -> None:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await self.users.end_session(self._digest(token))

    def _digest(self, token: str) -> str:
        """What the database keeps of a session token (64 hex digits)."""
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()

    def middleware(
        self, protected: str = "/dashboard"
    ) -> Callable[..., Awaitable[web.StreamResponse]]:
        """Pages under `protected` need a session (else redirect to /login; JSON APIs get 401)
        and a CSRF token on every state-changing request (else 403)."""

        @web.middleware
        async def require_session(request: web.Request, handler: Handler) -> web.StreamResponse:
            path = request.path
            if not (path == protected or path.startswith(protected + "/") or path == "/logout"):
                return await handler(request)
            session = await self.session(request)
            if session is None:
                if "/api/" in path:
                    return web.json_response({"error": "log in first"}, status=401)
                return web.Response(status=303, headers={"Location": f"/login?next={path}"})
            if request.method not in SAFE_METHODS and not await _csrf_ok(request, session):
                return web.json_response({"error": "missing or wrong CSRF token"}, status=403)
            request[SESSION_KEY] = session
            return await handler(request)

        return require_session


async def _csrf_ok(request: web.Request, session: Session) -> bool:
    given = request.headers.get("X-CSRF-Token")
    if given is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        given = str((await request.post()).get("csrf_token", ""))
    return given is not None and hmac.compare_digest(given.encode(), session.csrf_token.encode())


def set_session_cookie(response: web.StreamResponse, request: web.Request, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=is_https(request),
        path="/",
    )


def is_https(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto") == "https"


def current_session(request: web.Request) -> Session:
    """The session the middleware checked for this dashboard request."""
    session: Session = request[SESSION_KEY]
    return session


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))
