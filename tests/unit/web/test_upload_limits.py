"""Request bodies: 64 KB everywhere, a picture's 5 MB more only on the upload paths."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.web.server import MAX_BODY, MAX_UPLOAD, create_app


async def size_of_form(request: web.Request) -> web.Response:
    posted = await request.post()
    field = posted["file"]
    assert isinstance(field, web.FileField)
    with field.file:
        return web.json_response({"bytes": len(field.file.read())})


@pytest.fixture
async def url() -> AsyncIterator[str]:
    routes = [web.post("/upload", size_of_form), web.post("/form", size_of_form)]
    server = TestServer(
        create_app(routes, readiness={}, upload_paths=["/upload"]), host="127.0.0.1"
    )
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


async def post_file(url: str, size: int) -> int:
    form = aiohttp.FormData()
    form.add_field("file", io.BytesIO(bytes(size)), filename="x.jpg", content_type="image/jpeg")
    async with aiohttp.ClientSession() as http, http.post(url, data=form) as response:
        return response.status


async def test_a_picture_fits_on_an_upload_path_only(url: str) -> None:
    picture = 5 * 1024 * 1024
    assert await post_file(f"{url}/upload", picture) == 200
    assert await post_file(f"{url}/form", picture) == 413
    assert await post_file(f"{url}/form", MAX_BODY // 2) == 200


async def test_more_than_a_picture_is_refused_on_an_upload_path_too(url: str) -> None:
    assert await post_file(f"{url}/upload", MAX_UPLOAD + 1) == 413
