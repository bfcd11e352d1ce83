"""Rasa down while `polres serve` runs: messages are accepted and wait; danger words still get
110/112 at once (the keyword safety net); the waiting messages are answered when Rasa is back."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.e2e.conftest import Server, serving
from tests.fakes.rasa_proxy import RasaProxy

pytestmark = pytest.mark.rasa


@pytest.fixture(scope="module")
async def proxy(rasa_url: str) -> AsyncIterator[RasaProxy]:
    async with RasaProxy(rasa_url) as running:
        yield running


@pytest.fixture(scope="module")
async def server(
    proxy: RasaProxy, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    async with serving(tmp_path_factory.mktemp("outage"), RASA_URL=proxy.url) as running:
        yield running


async def post(server: Server, session: str, text: str) -> tuple[int, dict[str, Any]]:
    url = f"{server.url}/api/webchat/{session}/messages"
    async with aiohttp.ClientSession() as http, http.post(url, json={"text": text}) as response:
        return response.status, await response.json()


async def test_an_outage_delays_questions_but_never_an_emergency(
    server: Server, proxy: RasaProxy
) -> None:
    question, emergency = uuid.uuid4().hex, uuid.uuid4().hex
    proxy.down = True
    try:
        status, body = await post(server, question, "syarat bikin skck apa saja?")
        assert (status, body["pending"]) == (202, True)  # stored; answered later

        status, body = await post(server, emergency, "tolong ada perampok bawa golok di rumah")
        assert status == 200
        [reply] = body["replies"]
        assert "110" in reply["text"]
        assert "112" in reply["text"]

        async with aiohttp.ClientSession() as http, http.get(f"{server.url}/readyz") as ready:
            assert ready.status == 503
            checks = (await ready.json())["checks"]
            assert checks["database"] == "ok"
            assert checks["rasa"].startswith("unavailable")
    finally:
        proxy.down = False

    url = f"{server.url}/api/webchat/{question}/messages?after=0"
    for _ in range(60):  # the inbox worker retries every inbox.poll_seconds
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            messages = (await response.json())["messages"]
        if messages:
            break
        await asyncio.sleep(0.5)
    assert messages, "the waiting question was never answered"
    assert "SKCK" in messages[0]["text"]
    assert proxy.refused >= 2
