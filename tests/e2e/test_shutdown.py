"""SIGTERM in the middle of a burst: `polres serve` stops accepting, answers every message it
had accepted, and exits within its grace time."""

from __future__ import annotations

import asyncio
import json
import signal
import time

import aiohttp
import pytest

from tests.e2e.conftest import serving, telegram_webhook_env
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.telegram_updates import load_update

pytestmark = pytest.mark.rasa
SECRET = "shutdown-secret"
BURST = 40


async def test_sigterm_mid_burst_answers_every_accepted_message_then_exits(
    rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    async with FakeTelegramApi() as api:
        env = telegram_webhook_env(api, rasa_url, SECRET)
        async with serving(tmp_path_factory.mktemp("shutdown"), **env) as server:
            url = f"{server.url}/webhook/telegram"
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            chats = [7_300_000_000 + i for i in range(BURST)]
            async with aiohttp.ClientSession() as http:

                async def post(chat: int) -> int:
                    update = load_update(
                        "private_text", update_id=chat, chat_id=chat, user_id=chat,
                        text="syarat bikin sim apa saja",
                    )  # fmt: skip
                    async with http.post(url, data=json.dumps(update), headers=headers) as r:
                        return r.status

                statuses = await asyncio.gather(*map(post, chats))
            assert statuses == [200] * BURST
            stopped_at = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(server.process.wait, 40)
            assert code == 0
            assert time.monotonic() - stopped_at < 25  # config.yml shutdown.grace_seconds: 20
            for chat in chats:
                assert len(api.sent_messages(chat)) == 1, f"chat {chat}"
            async with aiohttp.ClientSession() as http:
                with pytest.raises(aiohttp.ClientConnectionError):
                    await http.get(f"{server.url}/healthz")  # no longer accepting
