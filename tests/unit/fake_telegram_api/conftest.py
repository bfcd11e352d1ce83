"""The fake Telegram Bot API speaks the wire format python-telegram-bot 22 expects.

Driven by PTB itself (telegram.Bot pointed at the fake), so a mismatch in request encoding,
answer shape or error mapping shows up here and not in the Telegram channel's tests. The tests
are split by what they exercise (test_fake_telegram_api_*.py); these are their fixtures: the
fake (`api`), a PTB Bot pointed at it (`bot`) and PTB's opt-in to timedelta periods.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from tests.fakes.telegram_api import FakeTelegramApi


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeTelegramApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url) as ptb_bot:
        yield ptb_bot


@pytest.fixture
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns (an error here) when time periods are read as ints; opt in to timedelta."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
