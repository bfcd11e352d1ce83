"""Run the real `polres` command against the session's Rasa server and a fresh SQLite file."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

ROOT = Path(__file__).resolve().parents[2]
POLRES = str(Path(sys.executable).with_name("polres"))


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
    port = free_port()
    env = polres_env(tmp, POLRES_PORT=str(port), **env_overrides)
    upgraded = run_polres("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    log_path = tmp / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [POLRES, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
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
            process.terminate()
            code = process.wait(timeout=30)
    assert code == 0, log_path.read_text()


@pytest.fixture(scope="module")
def server(rasa_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_polres(tmp_path_factory.mktemp("serve"), RASA_URL=rasa_url) as running:
        yield running


CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; never a downloaded browser
CHROMIUM_INSTALLED = CHROMIUM.exists()


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    assert CHROMIUM_INSTALLED, "install Debian's chromium package (apt-get install chromium)"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        await browser.close()
