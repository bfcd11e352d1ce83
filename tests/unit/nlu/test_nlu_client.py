"""RasaClient against a fake server speaking Rasa 3.6's HTTP API (recorded response shapes)."""

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.core.errors import NluUnavailable
from bot.core.types import IntentScore, Parse
from bot.nlu.client import RasaClient

# Recorded from `rasa run --enable-api` 3.6.21 with this project's model (ranking cut to 3 of 10).
PARSE_RESPONSE: dict[str, Any] = {
    "text": "bagaimana cara membuat SKCK",
    "intent": {"name": "faq_skck", "confidence": 0.9973652958869934},
    "entities": [],
    "text_tokens": [[0, 9], [10, 14], [15, 22], [23, 27]],
    "intent_ranking": [
        {"name": "faq_skck", "confidence": 0.9973652958869934},
        {"name": "faq_sim", "confidence": 0.0006996962474659085},
        {"name": "faq_prosedur_laporan", "confidence": 0.0004931052681058645},
    ],
}
STATUS_RESPONSE = {
    "model_file": "nlu-1a2b3c4d5e6f.tar.gz",
    "model_id": "2ffe25ab5507406eaf9b898011b610b1",
    "num_active_training_jobs": 0,
}
PARSING_ERROR_RESPONSE: dict[str, Any] = {
    "version": "3.6.21",
    "status": "failure",
    "message": "An unexpected error occurred. Error: 'text'",
    "reason": "ParsingError",
    "details": {},
    "help": None,
    "code": 500,
}
NO_AGENT_RESPONSE = {
    "version": "3.6.21",
    "status": "failure",
    "message": "No agent loaded. To continue processing, a model of a trained agent needs "
    "to be loaded.",
    "reason": "Conflict",
    "details": {},
    "help": "https://rasa.com/docs/rasa/user-guide/configuring-http-api/",
    "code": 409,
}


@dataclass
class FakeRasa:
    """What the fake server answers, and what it saw."""

    status: dict[str, Any] = field(default_factory=lambda: dict(STATUS_RESPONSE))
    loaded: bool = True
    failing: bool = False
    delay: float = 0.0
    texts: list[str] = field(default_factory=list)
    status_calls: int = 0
    client_ports: set[int] = field(default_factory=set)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/model/parse", self.parse)
        app.router.add_get("/status", self.get_status)
        return app

    async def parse(self, request: web.Request) -> web.Response:
        self.client_ports.add(request.transport.get_extra_info("peername")[1])  # type: ignore[union-attr]
        body = await request.json()
        self.texts.append(body["text"])
        await asyncio.sleep(self.delay)
        if not self.loaded:
            return web.json_response(NO_AGENT_RESPONSE, status=409)
        if self.failing:
            return web.json_response(PARSING_ERROR_RESPONSE, status=500)
        return web.json_response({**PARSE_RESPONSE, "text": body["text"]})

    async def get_status(self, request: web.Request) -> web.Response:
        self.status_calls += 1
        if not self.loaded:
            return web.json_response(NO_AGENT_RESPONSE, status=409)
        return web.json_response(self.status)


@pytest.fixture
def fake() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
async def client(fake: FakeRasa) -> AsyncIterator[RasaClient]:
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    try:
        async with RasaClient(str(server.make_url("/")), timeout=2) as client:
            yield client
    finally:
        await server.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_parse_maps_the_rasa_response(client: RasaClient, fake: FakeRasa) -> None:
    parse = await client.parse("bagaimana cara membuat SKCK")

    assert parse == Parse(
        intent="faq_skck",
        confidence=0.9973652958869934,
        ranking=(
            IntentScore("faq_skck", 0.9973652958869934),
            IntentScore("faq_sim", 0.0006996962474659085),
            IntentScore("faq_prosedur_laporan", 0.0004931052681058645),
        ),
        model_version="nlu-1a2b3c4d5e6f",
    )
    assert fake.texts == ["bagaimana cara membuat SKCK"]


async def test_model_version_is_fetched_once_and_refreshed_by_status(
    client: RasaClient, fake: FakeRasa
) -> None:
    await asyncio.gather(*(client.parse(f"teks {i}") for i in range(5)))
    assert fake.status_calls == 1

    fake.status["model_file"] = "/app/models/nlu-ffffffffffff.tar.gz"
    assert (await client.parse("lagi")).model_version == "nlu-1a2b3c4d5e6f"
    assert (await client.status())["model_file"] == "/app/models/nlu-ffffffffffff.tar.gz"
    assert (await client.parse("lagi")).model_version == "nlu-ffffffffffff"


async def test_requests_share_one_keep_alive_connection(client: RasaClient, fake: FakeRasa) -> None:
    for i in range(5):
        await client.parse(f"teks {i}")

    assert len(fake.client_ports) == 1


async def test_ready_tells_whether_a_model_is_loaded(client: RasaClient, fake: FakeRasa) -> None:
    assert await client.ready()

    fake.loaded = False
    assert not await client.ready()


async def test_no_agent_loaded_is_unavailable(client: RasaClient, fake: FakeRasa) -> None:
    fake.loaded = False

    with pytest.raises(NluUnavailable, match=r"HTTP 409 .*No agent loaded"):
        await client.parse("halo")


async def test_server_error_is_unavailable(client: RasaClient, fake: FakeRasa) -> None:
    fake.failing = True

    with pytest.raises(NluUnavailable) as raised:
        await client.parse("halo")

    message = str(raised.value)
    assert message.startswith(f"Rasa at {client.base_url} is not reachable: HTTP 500 ")
    assert "ParsingError" in message
    assert "\n" not in message


async def test_slow_server_is_unavailable(client: RasaClient, fake: FakeRasa) -> None:
    fake.delay = 3

    with pytest.raises(NluUnavailable, match=r"is not reachable: no answer within 2 s$"):
        await client.parse("halo")


async def test_unreachable_server_is_unavailable() -> None:
    url = f"http://127.0.0.1:{closed_port()}"

    async with RasaClient(url) as client:
        with pytest.raises(NluUnavailable) as raised:
            await client.parse("halo")
        assert not await client.ready()
        with pytest.raises(NluUnavailable):
            await client.status()

    message = str(raised.value)
    assert message.startswith(f"Rasa at {url} is not reachable: Cannot connect to host")
    assert "\n" not in message


async def test_close_is_idempotent_and_client_reopens(client: RasaClient) -> None:
    await client.parse("halo")
    await client.close()
    await client.close()

    assert (await client.parse("halo lagi")).intent == "faq_skck"
