"""Run the real `polres` command against the session's Rasa server and a fresh SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import yaml
from playwright.async_api import Browser, async_playwright
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.fakes.telegram_api import FakeTelegramApi

ROOT = Path(__file__).resolve().parents[2]
POLRES = str(Path(sys.executable).with_name("polres"))
PG_URL = os.environ.get("POLRES_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def polres_env(tmp: Path, **overrides: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("POLRES_", "RASA_", "DATABASE_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'polres.db'}",
        POLRES_SECRET_KEY="e2e-secret-key-that-is-long-enough-000",
        POLRES_LOG_LEVEL="INFO",
    )
    env.update(overrides)
    return env


def run_polres(
    *args: str, env: dict[str, str], stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [POLRES, *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Server:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[str]


@contextlib.contextmanager
def running_polres(tmp: Path, **env_overrides: str) -> Iterator[Server]:
    """`polres db upgrade` then `polres serve` on a free port; stopped with SIGTERM after."""
    port = int(env_overrides.pop("POLRES_PORT", 0)) or free_port()
    env = polres_env(tmp, POLRES_PORT=str(port), **env_overrides)
    upgraded = run_polres("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    log_path = tmp / "serve.log"
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [POLRES, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 240  # a managed Rasa server loads in 20-60 s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/readyz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise AssertionError(log_path.read_text()) from None
                time.sleep(0.2)
        try:
            yield Server(url, env, process)
        finally:
            ended_by_test = process.poll() is not None  # e.g. killed on purpose
            process.terminate()
            code = process.wait(timeout=30)
    assert ended_by_test or code == 0, log_path.read_text()


@contextlib.asynccontextmanager
async def serving(tmp: Path, **env: str) -> AsyncIterator[Server]:
    """running_polres, started and stopped off the event loop that runs the fake Bot API."""
    manager = running_polres(tmp, **env)
    server = await asyncio.to_thread(manager.__enter__)
    try:
        yield server
    finally:
        await asyncio.to_thread(manager.__exit__, None, None, None)


@contextlib.asynccontextmanager
async def officer_session(server: Server, username: str) -> AsyncIterator[aiohttp.ClientSession]:
    """A dashboard login over HTTP (a new officer account), cookies and CSRF included."""
    password = f"sandi-{username}-12345"
    added = await asyncio.to_thread(
        run_polres,
        *("user", "add", username, "--password-stdin"),
        env=server.env,
        stdin=password + "\n",
    )
    assert added.returncode == 0, added.stderr
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
    async with aiohttp.ClientSession(server.url, cookie_jar=jar) as officer:
        form = {"username": username, "password": password, "next": "/dashboard"}
        form["csrf_token"] = await csrf_token(officer, "/login")
        async with officer.post("/login", data=form) as response:
            assert response.url.path == "/dashboard"
        yield officer


async def csrf_token(session: aiohttp.ClientSession, path: str) -> str:
    async with session.get(path) as page:
        found = re.search(r'name="csrf_token" value="([^"]+)"', await page.text())
        assert found is not None
        return found.group(1)


async def ticket_action(
    officer: aiohttp.ClientSession, code: str, action: str, **form: str
) -> None:
    """POST one dashboard action (claim, reply, …) on a ticket, as the ticket page's form does."""
    ticket = f"/dashboard/tickets/{code}"
    token = await csrf_token(officer, ticket)
    async with officer.post(f"{ticket}/{action}", data={**form, "csrf_token": token}) as response:
        assert response.status == 200  # followed the redirect back to the ticket


def config_without_flood_limit(folder: Path) -> Path:
    """The project's config.yml with Telegram's 30 messages/s lifted, for tests about
    durability and sharing work, not Telegram's pace."""
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    config["paths"] = {key: str(ROOT / value) for key, value in config["paths"].items()}
    config["paths"]["var"] = str(folder / "var")
    config["telegram"]["messages_per_second"] = 10_000
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def telegram_webhook_env(api: FakeTelegramApi, rasa_url: str, secret: str) -> dict[str, str]:
    """`polres serve` in Telegram webhook mode against the fake Bot API."""
    return {
        "RASA_URL": rasa_url,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_SECRET": secret,
        "TELEGRAM_API_BASE_URL": api.base_url,
    }


@pytest.fixture(scope="module")
async def pg_database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database (on POLRES_TEST_PG_URL's server), dropped after."""
    server = make_url(PG_URL)
    name = f"polres_e2e_{secrets.token_hex(5)}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    yield server.set(database=name).render_as_string(hide_password=False)
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")  # fresh: it may restart
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture(scope="module")
def server(rasa_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_polres(tmp_path_factory.mktemp("serve"), RASA_URL=rasa_url) as running:
        yield running


CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; never a downloaded browser
CHROMIUM_INSTALLED = CHROMIUM.exists()
# A name the browser resolves to 127.0.0.1: a page from it over http is not a secure context
# (as on a LAN address), where browsers leave out APIs such as crypto.randomUUID.
PLAIN_HTTP_HOST = "polres.test"


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    assert CHROMIUM_INSTALLED, "install Debian's chromium package (apt-get install chromium)"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                f"--host-resolver-rules=MAP {PLAIN_HTTP_HOST} 127.0.0.1",
            ],
        )
        yield browser
        await browser.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests save their screenshots: a scratch folder, so a test run leaves
    the repository alone; `make screenshots` sets POLRES_SCREENSHOTS=docs/screenshots."""
    chosen = os.environ.get("POLRES_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
