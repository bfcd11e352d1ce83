"""Two `polres serve` processes on one PostgreSQL database share a burst: inbox and outbox rows
are claimed (FOR UPDATE SKIP LOCKED), so no message is processed twice and no reply is sent
twice."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.core.wib import WIB
from tests.e2e.conftest import (
    config_without_flood_limit,
    run_polres,
    serving,
    telegram_webhook_env,
)
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.telegram_updates import load_update

pytestmark = [pytest.mark.rasa, pytest.mark.postgres]
SECRET = "two-instances"
CHATS = 200
FIRST_CHAT = 7_500_000_000


async def test_two_instances_process_and_send_each_message_once(
    pg_database: str, rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    async with FakeTelegramApi() as api:
        folder = tmp_path_factory.mktemp("two")
        for name in ("a", "b"):
            (folder / name).mkdir()
        env = {
            **telegram_webhook_env(api, rasa_url, SECRET),
            "DATABASE_URL": pg_database,
            "POLRES_CONFIG": str(config_without_flood_limit(folder)),
        }
        async with (
            serving(folder / "a", **env) as first,
            serving(folder / "b", **env) as second,
        ):
            chats = [FIRST_CHAT + i for i in range(CHATS)]
            slots = asyncio.Semaphore(32)
            async with aiohttp.ClientSession() as http:

                async def deliver(index: int, chat: int) -> int:
                    update = load_update(
                        "private_text", update_id=chat, chat_id=chat, user_id=chat,
                        text="TOLONG ada perampok bawa golok di rumah saya",
                    )  # fmt: skip
                    server = (first, second)[index % 2]
                    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                    async with (
                        slots,
                        http.post(
                            f"{server.url}/webhook/telegram",
                            data=json.dumps(update),
                            headers=headers,
                        ) as response,
                    ):
                        return response.status

                statuses = await asyncio.gather(*(deliver(i, c) for i, c in enumerate(chats)))
            assert statuses == [200] * CHATS
            for chat in chats:
                await api.wait_for_messages(1, chat_id=chat, within=120)
            await asyncio.sleep(3)  # a second send would show up by now
            replies = [len(api.sent_messages(chat)) for chat in chats]
            assert replies == [1] * CHATS

        engine = create_async_engine(pg_database)
        async with engine.connect() as connection:
            tickets = (
                await connection.execute(
                    text(
                        "SELECT c.chat_id, count(t.id) FROM citizens c "
                        "JOIN tickets t ON t.citizen_id = c.id GROUP BY c.chat_id"
                    )
                )
            ).all()
        await engine.dispose()
        assert sorted(count for _, count in tickets) == [1] * CHATS
        for log in (folder / "a" / "serve.log", folder / "b" / "serve.log"):
            assert "polres serving" in log.read_text()


SUBSCRIBERS = 40
BROADCAST = "Info Polres: layanan SKCK buka Sabtu ini."


async def test_a_scheduled_broadcast_starts_once_with_two_instances_running(
    pg_database: str, rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    async with FakeTelegramApi() as api:
        folder = tmp_path_factory.mktemp("two-broadcast")
        for name in ("a", "b"):
            (folder / name).mkdir()
        env = {
            **telegram_webhook_env(api, rasa_url, SECRET),
            "DATABASE_URL": pg_database,
            "POLRES_CONFIG": str(config_without_flood_limit(folder)),
        }
        chats = [FIRST_CHAT + 10_000 + i for i in range(SUBSCRIBERS)]
        async with (
            serving(folder / "a", **env) as first,
            serving(folder / "b", **env) as second,
        ):
            async with aiohttp.ClientSession() as http:
                for index, chat in enumerate(chats):
                    update = load_update(
                        "private_text", update_id=chat, chat_id=chat, user_id=chat,
                        text="/langganan info",
                    )  # fmt: skip
                    server = (first, second)[index % 2]
                    async with http.post(
                        f"{server.url}/webhook/telegram",
                        data=json.dumps(update),
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                    ) as response:
                        assert response.status == 200
            for chat in chats:
                await api.wait_for_messages(1, chat_id=chat, within=60)

            # Due this minute: both instances' schedulers find it on their next poll.
            now = datetime.now(WIB).strftime("%Y-%m-%d %H:%M")
            scheduled = await asyncio.to_thread(
                run_polres,
                "broadcast", "send", "--topic", "info", "--text", BROADCAST, "--at", now,
                env={**env, "POLRES_LOG_LEVEL": "WARNING"},
            )  # fmt: skip
            assert scheduled.returncode == 0, scheduled.stderr
            for chat in chats:
                await api.wait_for_messages(2, chat_id=chat, within=60)
            await asyncio.sleep(3)  # a second start would have sent more by now
            broadcasts = [
                [m.plain_text for m in api.sent_messages(chat) if m.plain_text == BROADCAST]
                for chat in chats
            ]
            assert broadcasts == [[BROADCAST]] * SUBSCRIBERS

        engine = create_async_engine(pg_database)
        async with engine.connect() as connection:
            [(started, rows)] = (
                await connection.execute(
                    text(
                        "SELECT count(DISTINCT b.id), count(m.id) FROM broadcasts b "
                        "JOIN messages m ON m.broadcast_id = b.id WHERE b.topic = 'info'"
                    )
                )
            ).all()
        await engine.dispose()
        assert (started, rows) == (1, SUBSCRIBERS)
