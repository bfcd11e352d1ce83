"""POLRES_BEHIND_PROXY: the client's address is the one the proxy appended to X-Forwarded-For."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.web.server import create_app


async def remote(request: web.Request) -> web.Response:
    return web.Response(text=request.remote or "")


async def seen_from(behind_proxy: bool, headers: dict[str, str], path: str = "/who") -> str:
    """The address a route sees; /upload is an upload path (bot.web.server.uploads_to)."""
    routes = [web.post("/who", remote), web.post("/upload", remote)]
    app = create_app(routes, readiness={}, upload_paths=["/upload"], behind_proxy=behind_proxy)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.post(server.make_url(path), data=b"x", headers=headers) as response,
        ):
            return await response.text()
    finally:
        await server.close()


@pytest.mark.parametrize(
    ("behind_proxy", "headers", "client"),
    [
        (True, {"X-Forwarded-For": "203.0.113.7"}, "203.0.113.7"),
        (True, {"X-Forwarded-For": "10.0.0.1, 203.0.113.7"}, "203.0.113.7"),  # the proxy's own
        (True, {"X-Forwarded-For": " "}, "127.0.0.1"),
        (True, {}, "127.0.0.1"),
        (False, {"X-Forwarded-For": "203.0.113.7"}, "127.0.0.1"),  # not trusted by default
    ],
)
async def test_the_client_address(behind_proxy: bool, headers: dict[str, str], client: str) -> None:
    assert await seen_from(behind_proxy, headers) == client


async def test_the_address_survives_on_an_upload_path() -> None:
    assert await seen_from(True, {"X-Forwarded-For": "203.0.113.7"}, "/upload") == "203.0.113.7"
