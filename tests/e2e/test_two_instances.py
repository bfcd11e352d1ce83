"""Two `polres serve` processes on one PostgreSQL database share the work: inbox and outbox rows
are claimed (FOR UPDATE SKIP LOCKED), so no message is processed twice and no reply is sent
twice, and a scheduled broadcast starts once."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import cast

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.core.wib import WIB
from tests.e2e.conftest import (
    Server,
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
SUBSCRIBERS = 40
BROADCAST = "Info Polres: layanan SKCK buka Sabtu ini."


@contextlib.asynccontextmanager
async def two_instances(
    api: FakeTelegramApi, pg_database: str, rasa_url: str, folder: Path
) -> AsyncIterator[tuple[Server, Server]]:
    """Two `polres serve` in Telegram webhook mode on one database, logs in folder/a and /b."""
    for name in ("a", "b"):
        (folder / name).mkdir()
    env = {
        **telegram_webhook_env(api, rasa_url, SECRET),
        "DATABASE_URL": pg_database,
        "POLRES_CONFIG": str(config_without_flood_limit(folder)),
    }
    async with serving(folder / "a", **env) as first, serving(folder / "b", **env) as second:
        yield first, second
    for log in (folder / "a" / "serve.log", folder / "b" / "serve.log"):
        assert "polres serving" in log.read_text()


async def send_to_both(servers: Sequence[Server], chats: Sequence[int], text: str) -> list[int]:
    """Each chat's message to one of the servers in turn, 32 at a time; the HTTP statuses."""
    slots = asyncio.Semaphore(32)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:

        async def deliver(index: int, chat: int) -> int:
            update = load_update(
                "private_text", update_id=chat, chat_id=chat, user_id=chat, text=text
            )
            url = f"{servers[index % len(servers)].url}/webhook/telegram"
            async with slots, http.post(url, data=json.dumps(update), headers=headers) as answer:
                return answer.status

        return await asyncio.gather(*(deliver(i, chat) for i, chat in enumerate(chats)))


async def query(pg_database: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_async_engine(pg_database)
    async with engine.connect() as connection:
        rows = [tuple(row) for row in await connection.execute(text(sql))]
    await engine.dispose()
    return rows


async def test_two_instances_process_and_send_each_message_once(
    pg_database: str, rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    chats = [FIRST_CHAT + i for i in range(CHATS)]
    async with FakeTelegramApi() as api:
        folder = tmp_path_factory.mktemp("two")
        async with two_instances(api, pg_database, rasa_url, folder) as servers:
            emergency = "TOLONG ada perampok bawa golok di rumah saya"
            assert await send_to_both(servers, chats, emergency) == [200] * CHATS
            for chat in chats:
                await api.wait_for_messages(1, chat_id=chat, within=120)
            await asyncio.sleep(3)  # a second send would show up by now
            assert [len(api.sent_messages(chat)) for chat in chats] == [1] * CHATS

    tickets = await query(
        pg_database,
        "SELECT c.chat_id, count(t.id) FROM citizens c "
        "JOIN tickets t ON t.citizen_id = c.id GROUP BY c.chat_id",
    )
    assert sorted(cast(int, count) for _, count in tickets) == [1] * CHATS  # count() is int


async def test_a_scheduled_broadcast_starts_once_with_two_instances_running(
    pg_database: str, rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    chats = [FIRST_CHAT + 10_000 + i for i in range(SUBSCRIBERS)]
    async with FakeTelegramApi() as api:
        folder = tmp_path_factory.mktemp("two-broadcast")
        async with two_instances(api, pg_database, rasa_url, folder) as servers:
            assert await send_to_both(servers, chats, "/langganan info") == [200] * SUBSCRIBERS
            for chat in chats:
                await api.wait_for_messages(1, chat_id=chat, within=60)

            # Due this minute: both instances' schedulers find it on their next poll.
            now = datetime.now(WIB).strftime("%Y-%m-%d %H:%M")
            scheduled = await asyncio.to_thread(
                run_polres,
                "broadcast", "send", "--topic", "info", "--text", BROADCAST, "--at", now,
                env={**servers[0].env, "POLRES_LOG_LEVEL": "WARNING"},
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

    started = await query(
        pg_database,
        "SELECT count(DISTINCT b.id), count(m.id) FROM broadcasts b "
        "JOIN messages m ON m.broadcast_id = b.id WHERE b.topic = 'info'",
    )
    assert started == [(1, SUBSCRIBERS)]
