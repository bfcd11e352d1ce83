"""Two `polres serve` processes on one PostgreSQL database share a burst: inbox and outbox rows
are claimed (FOR UPDATE SKIP LOCKED), so no message is processed twice and no reply is sent
twice."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yaml
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.e2e.conftest import ROOT, serving
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.telegram_updates import load_update

pytestmark = [pytest.mark.rasa, pytest.mark.postgres]
PG_URL = os.environ.get("POLRES_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
SECRET = "two-instances"
CHATS = 200
FIRST_CHAT = 7_500_000_000


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database for the two instances."""
    server = make_url(PG_URL)
    name = f"polres_e2e_{secrets.token_hex(5)}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    await admin.dispose()


def config_without_flood_limit(folder: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    config["paths"] = {key: str(ROOT / value) for key, value in config["paths"].items()}
    config["paths"]["var"] = str(folder / "var")
    config["telegram"]["messages_per_second"] = 10_000
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(config))
    return path


async def test_two_instances_process_and_send_each_message_once(
    database: str, rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    async with FakeTelegramApi() as api:
        folder = tmp_path_factory.mktemp("two")
        for name in ("a", "b"):
            (folder / name).mkdir()
        env = {
            "RASA_URL": rasa_url,
            "DATABASE_URL": database,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_BASE_URL": api.base_url,
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

        engine = create_async_engine(database)
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
