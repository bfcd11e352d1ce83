"""kill -9 of `polres serve` in the middle of a burst of 1,000 webhook deliveries, then a
restart: every acknowledged message gets its ticket and its reply; the only duplicates allowed
are replies that were being sent at the moment of the kill, and they are counted."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3

import aiohttp
import pytest

from tests.e2e.conftest import (
    config_without_flood_limit,
    free_port,
    serving,
    telegram_webhook_env,
)
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.telegram_updates import load_update

pytestmark = pytest.mark.rasa
SECRET = "crash-secret"
BURST = 1000
KILL_AFTER = 300  # acknowledged deliveries before the kill
FIRST_CHAT = 7_400_000_000


async def test_kill_9_mid_burst_loses_no_acknowledged_message(
    rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("crash")
    async with FakeTelegramApi() as api:
        env = {
            **telegram_webhook_env(api, rasa_url, SECRET),
            "POLRES_CONFIG": str(config_without_flood_limit(folder)),
            "POLRES_PORT": str(free_port()),
        }
        acknowledged: list[int] = []
        async with serving(folder, **env) as server:
            killed = asyncio.Event()
            slots = asyncio.Semaphore(32)
            async with aiohttp.ClientSession() as http:

                async def deliver(chat: int) -> None:
                    update = load_update(
                        "private_text", update_id=chat, chat_id=chat, user_id=chat,
                        text="TOLONG ada perampok bawa golok di rumah saya",
                    )  # fmt: skip
                    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                    async with slots:
                        if killed.is_set():
                            return
                        try:
                            url = f"{server.url}/webhook/telegram"
                            async with http.post(
                                url, data=json.dumps(update), headers=headers
                            ) as r:
                                if r.status == 200:
                                    acknowledged.append(chat)
                        except aiohttp.ClientError:
                            return  # not acknowledged: Telegram would deliver it again
                    if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                        killed.set()
                        server.process.send_signal(signal.SIGKILL)

                await asyncio.gather(*(deliver(FIRST_CHAT + i) for i in range(BURST)))
            assert killed.is_set()
            await asyncio.to_thread(server.process.wait, 10)
        assert len(acknowledged) >= KILL_AFTER

        async with serving(folder, **env):  # the restart, on the same database
            for chat in acknowledged:
                await api.wait_for_messages(1, chat_id=chat, within=120)
            await asyncio.sleep(2)  # anything sent twice would show up by now

        replies = {chat: len(api.sent_messages(chat)) for chat in acknowledged}
        duplicates = sum(count - 1 for count in replies.values())
        assert min(replies.values()) >= 1
        assert duplicates <= 16, duplicates  # at most the sends in flight at the kill
        with sqlite3.connect(folder / "polres.db") as db:  # conftest.polres_env's database
            per_chat = dict(
                db.execute(
                    "SELECT c.chat_id, count(t.id) FROM citizens c "
                    "JOIN tickets t ON t.citizen_id = c.id GROUP BY c.chat_id"
                ).fetchall()
            )
        assert all(per_chat.get(str(chat)) == 1 for chat in acknowledged)  # one ticket each
        print(f"acknowledged {len(acknowledged)}, duplicate replies {duplicates}")
