"""A failing backing service under a request is a 503 with Retry-After, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy.exc import OperationalError

from bot.core.errors import NluUnavailable
from bot.web.server import create_app


async def database_gone(request: web.Request) -> web.Response:
    raise OperationalError("INSERT INTO messages", {}, ConnectionRefusedError("port 5432"))


async def rasa_gone(request: web.Request) -> web.Response:
    raise NluUnavailable("Rasa at http://127.0.0.1:5005 is not reachable")


async def a_bug(request: web.Request) -> web.Response:
    raise ZeroDivisionError


@pytest.fixture
async def url() -> AsyncIterator[str]:
    routes = [
        web.post("/webhook/db", database_gone),
        web.post("/webhook/rasa", rasa_gone),
        web.post("/bug", a_bug),
    ]
    server = TestServer(create_app(routes, readiness={}), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


@pytest.mark.parametrize("path", ["/webhook/db", "/webhook/rasa"])
async def test_an_unavailable_service_is_503_with_retry_after(url: str, path: str) -> None:
    async with aiohttp.ClientSession() as http, http.post(url + path) as response:
        assert response.status == 503
        assert response.headers["Retry-After"] == "5"
        assert "try again" in (await response.json())["error"]


async def test_a_bug_is_still_a_500(url: str) -> None:
    async with aiohttp.ClientSession() as http, http.post(url + "/bug") as response:
        assert response.status == 500
