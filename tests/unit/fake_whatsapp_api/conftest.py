"""The fake WhatsApp Cloud API answers like graph.facebook.com, and its fixtures have Meta's shape.

Driven with a plain aiohttp client, the way the WhatsApp channel talks to the Graph API.
The tests are split by what they exercise (test_fake_whatsapp_api_*.py); these are their
fixtures: the fake (`api`) and an aiohttp session carrying its token (`http`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.fakes.whatsapp_api import FakeGraphApi


@pytest.fixture
async def api() -> AsyncIterator[FakeGraphApi]:
    async with FakeGraphApi() as fake:
        yield fake


@pytest.fixture
async def http(api: FakeGraphApi) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {api.token}"}) as session:
        yield session
