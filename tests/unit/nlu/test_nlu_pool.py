"""RasaPool: round-robin over several Rasa servers, skipping a failing one for a cool-down."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.core.errors import NluUnavailable
from bot.nlu.pool import RasaPool


class FakeRasa:
    """/model/parse answering with its own name as the intent; 503 while `down`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.down = False
        self.parses = 0
        app = web.Application()
        app.router.add_post("/model/parse", self.parse)
        app.router.add_get("/status", self.status)
        self.server = TestServer(app, host="127.0.0.1")

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    async def parse(self, request: web.Request) -> web.Response:
        if self.down:
            return web.json_response({"status": "failure"}, status=503)
        self.parses += 1
        text = (await request.json())["text"]
        return web.json_response({"text": text, "intent": {"name": self.name, "confidence": 1}})

    async def status(self, request: web.Request) -> web.Response:
        if self.down:
            return web.json_response({"status": "failure"}, status=503)
        return web.json_response({"model_file": f"{self.name}.tar.gz"})


@pytest.fixture
async def servers() -> AsyncIterator[list[FakeRasa]]:
    fakes = [FakeRasa("a"), FakeRasa("b")]
    for fake in fakes:
        await fake.server.start_server()
    yield fakes
    for fake in fakes:
        await fake.server.close()


@pytest.fixture
def now() -> list[float]:
    return [0.0]


@pytest.fixture
async def pool(servers: list[FakeRasa], now: list[float]) -> AsyncIterator[RasaPool]:
    pool = RasaPool([s.url for s in servers], cooldown=5.0, clock=lambda: now[0])
    yield pool
    await pool.close()


async def test_requests_alternate_between_the_servers(pool: RasaPool) -> None:
    intents = [(await pool.parse("halo")).intent for _ in range(6)]
    assert intents in (["a", "b"] * 3, ["b", "a"] * 3)


async def test_a_failing_server_is_skipped_then_tried_again_after_its_cool_down(
    pool: RasaPool, servers: list[FakeRasa], now: list[float]
) -> None:
    a = servers[0]
    a.down = True
    assert {(await pool.parse("halo")).intent for _ in range(6)} == {"b"}  # no request failed
    a.down = False
    assert {(await pool.parse("halo")).intent for _ in range(4)} == {"b"}  # still cooling down
    now[0] += 5.1
    assert {(await pool.parse("halo")).intent for _ in range(4)} == {"a", "b"}


async def test_only_when_every_server_fails_does_a_request_fail(
    pool: RasaPool, servers: list[FakeRasa]
) -> None:
    for server in servers:
        server.down = True
    with pytest.raises(NluUnavailable, match="none of 2 Rasa servers answered"):
        await pool.parse("halo")
    with pytest.raises(NluUnavailable):
        await pool.status()
    servers[1].down = False
    assert (await pool.parse("halo")).intent == "b"  # cooling-down servers are still tried
    assert (await pool.status())["model_file"] == "b.tar.gz"
