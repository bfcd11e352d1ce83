"""kill -9 of `polres serve` in the middle of a burst of 1,000 webhook deliveries, then a
restart: every acknowledged message gets its ticket and its reply; the only duplicates allowed
are replies that were being sent at the moment of the kill (the platform had them, the database
had not recorded them yet), and they are counted."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
from pathlib import Path

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
        # At the kill: what the platform had received, and what the database had recorded as
        # sent. A send in between (received, not recorded) is sent again after the restart.
        received = {chat: len(api.sent_messages(chat)) for chat in acknowledged}
        recorded = sent_per_chat(folder)
        unrecorded = sum(max(0, received[chat] - recorded.get(chat, 0)) for chat in acknowledged)

        async with serving(folder, **env):  # the restart, on the same database
            for chat in acknowledged:
                await api.wait_for_messages(1, chat_id=chat, within=120)
            await asyncio.sleep(2)  # anything sent twice would show up by now

        replies = {chat: len(api.sent_messages(chat)) for chat in acknowledged}
        duplicates = sum(count - 1 for count in replies.values())
        assert min(replies.values()) >= 1
        # A send the database had recorded is never repeated; only those mid-send at the kill.
        assert all(replies[chat] == received[chat] for chat in acknowledged if recorded.get(chat))
        assert duplicates == unrecorded
        with sqlite3.connect(folder / "polres.db") as db:  # conftest.polres_env's database
            per_chat = dict(
                db.execute(
                    "SELECT c.chat_id, count(t.id) FROM citizens c "
                    "JOIN tickets t ON t.citizen_id = c.id GROUP BY c.chat_id"
                ).fetchall()
            )
        assert all(per_chat.get(str(chat)) == 1 for chat in acknowledged)  # one ticket each
        print(f"acknowledged {len(acknowledged)}, duplicate replies {duplicates} (mid-send)")


def sent_per_chat(folder: Path) -> dict[int, int]:
    """Replies the database records as sent, by Telegram chat id."""
    with sqlite3.connect(folder / "polres.db") as db:  # conftest.polres_env's database
        rows = db.execute(
            "SELECT c.chat_id, count(m.id) FROM citizens c JOIN messages m ON m.citizen_id = c.id"
            " WHERE m.direction = 'out' AND m.delivery_status = 'sent' GROUP BY c.chat_id"
        ).fetchall()
    return {int(chat_id): count for chat_id, count in rows}
