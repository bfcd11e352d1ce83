"""The dashboard's OWASP ASVS level-1 items that had no test of their own (docs/SECURITY.md):
security headers, cookie flags, session rotation, password storage, login throttling and what
an anonymous visitor gets."""

from __future__ import annotations

import hashlib
import hmac
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.conftest import Server, run_polres, running_polres, serving

pytestmark = pytest.mark.rasa
PASSWORD = "sandi-keamanan-123"


@pytest.fixture(scope="module")
def server(rasa_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_polres(tmp_path_factory.mktemp("security"), RASA_URL=rasa_url) as running:
        added = run_polres(
            "user", "add", "penjaga", "--role", "officer", "--password-stdin",
            env=running.env, stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        yield running


async def log_in(
    http: aiohttp.ClientSession, password: str = PASSWORD, **headers: str
) -> aiohttp.ClientResponse:
    async with http.get("/login") as page:
        token = re.search(r'name="csrf_token" value="([^"]+)"', await page.text())
    assert token is not None
    form = {"username": "penjaga", "password": password, "csrf_token": token.group(1)}
    async with http.post("/login", data=form, allow_redirects=False, headers=headers) as r:
        await r.read()  # kept for the caller
        return r


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/", None, 200),
        ("GET", "/login", None, 200),
        ("GET", "/healthz", None, 200),
        ("GET", "/api/webchat/abcdefgh/messages", None, 200),
        ("GET", "/no-such-page", None, 404),
        ("GET", "/dashboard", None, 303),
        ("POST", "/api/webchat/abcdefgh/messages", b"x" * 100_000, 413),
    ],
)
async def test_every_answer_carries_the_security_headers(
    server: Server, method: str, path: str, body: bytes | None, status: int
) -> None:
    async with (
        aiohttp.ClientSession(server.url) as http,
        http.request(method, path, data=body, allow_redirects=False) as response,
    ):
        assert response.status == status
        headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"], path
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


async def test_anonymous_visitors_are_sent_to_login_or_refused(server: Server) -> None:
    async with aiohttp.ClientSession(server.url) as http:
        async with http.get("/dashboard", allow_redirects=False) as page:
            assert page.status == 303
            assert page.headers["Location"].startswith("/login")
        async with http.get("/dashboard/api/queue", allow_redirects=False) as api:
            assert api.status == 401
        async with http.get("/dashboard/admin/users", allow_redirects=False) as admin:
            assert admin.status == 303


async def test_the_session_cookie_is_http_only_same_site_and_secure_behind_https(
    server: Server,
) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(server.url, cookie_jar=jar) as http:
        plain = await log_in(http)
        cookie = plain.headers.getall("Set-Cookie")
        session = next(c for c in cookie if c.startswith("polres_session="))
        assert "HttpOnly" in session
        assert "SameSite=Lax" in session
        assert "Secure" not in session  # plain http on localhost
        first = plain.cookies["polres_session"].value

        behind_proxy = await log_in(http, **{"X-Forwarded-Proto": "https"})
        session = next(
            c for c in behind_proxy.headers.getall("Set-Cookie") if c.startswith("polres_session=")
        )
        assert "Secure" in session
        assert behind_proxy.cookies["polres_session"].value != first  # a new session each login


async def test_passwords_and_sessions_are_stored_as_hashes_only(server: Server) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(server.url, cookie_jar=jar) as http:
        cookie = (await log_in(http)).cookies["polres_session"].value
    database = Path(server.env["DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(database) as db:
        [(stored,)] = db.execute("SELECT password_hash FROM users WHERE username = 'penjaga'")
        tokens = {token for (token,) in db.execute("SELECT token_hash FROM web_sessions")}
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    # The session cookie's HMAC-SHA256 under POLRES_SECRET_KEY, not the cookie nor a plain hash.
    key = server.env["POLRES_SECRET_KEY"].encode()
    assert hmac.new(key, cookie.encode(), hashlib.sha256).hexdigest() in tokens
    assert cookie not in tokens
    assert hashlib.sha256(cookie.encode()).hexdigest() not in tokens


async def test_logins_from_one_address_are_throttled(server: Server) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(server.url, cookie_jar=jar) as http:
        answers = [await log_in(http, password="salah-sekali-123") for _ in range(12)]
        texts = [await answer.text() for answer in answers]
    assert all(answer.status == 401 for answer in answers)
    assert "terlalu banyak percobaan masuk" in texts[-1]
    assert "terlalu banyak percobaan masuk" not in texts[0]


async def test_behind_a_proxy_logins_are_throttled_per_forwarded_address(
    rasa_url: str, tmp_path: Path
) -> None:
    async def attempt(http: aiohttp.ClientSession, chain: str) -> str:
        answer = await log_in(http, "salah-sekali-123", **{"X-Forwarded-For": chain})
        return await answer.text()

    async with (
        serving(tmp_path, RASA_URL=rasa_url, POLRES_BEHIND_PROXY="1") as proxied,
        aiohttp.ClientSession(proxied.url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http,
    ):
        # the proxy appends the client's address; what comes before it the client wrote
        texts = [await attempt(http, f"10.9.9.{n}, 203.0.113.7") for n in range(11)]
        other = await attempt(http, "203.0.113.8")
    assert "terlalu banyak percobaan masuk" not in texts[9]
    assert "terlalu banyak percobaan masuk" in texts[10]
    assert "terlalu banyak percobaan masuk" not in other
