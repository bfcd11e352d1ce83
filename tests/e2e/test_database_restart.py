"""PostgreSQL restarted under traffic: `polres serve` answers 503 while it is gone (platforms
deliver again), reconnects by itself, and everything it acknowledged gets its reply."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.conftest import serving, telegram_webhook_env
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.telegram_updates import load_update

pytestmark = [pytest.mark.rasa, pytest.mark.postgres]
SECRET = "db-restart"
FIRST_CHAT = 7_600_000_000
CLUSTERS = Path("/etc/postgresql")


def restart_postgres() -> None:
    """Restart the local cluster (as .ci/run starts it)."""
    version = sorted(path.name for path in CLUSTERS.iterdir())[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )


async def test_a_database_restart_loses_nothing_acknowledged(
    pg_database: str, rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if shutil.which("pg_ctlcluster") is None:
        pytest.fail("this test restarts the local PostgreSQL cluster: pg_ctlcluster is needed")
    async with FakeTelegramApi() as api:
        env = {**telegram_webhook_env(api, rasa_url, SECRET), "DATABASE_URL": pg_database}
        async with serving(tmp_path_factory.mktemp("restart"), **env) as server:
            acknowledged: list[int] = []
            statuses: list[int] = []
            async with aiohttp.ClientSession() as http:

                async def deliver(chat: int) -> None:
                    update = load_update(
                        "private_text", update_id=chat, chat_id=chat, user_id=chat,
                        text="syarat bikin sim apa saja",
                    )  # fmt: skip
                    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                    url = f"{server.url}/webhook/telegram"
                    async with http.post(url, data=json.dumps(update), headers=headers) as r:
                        statuses.append(r.status)
                        if r.status == 200:
                            acknowledged.append(chat)

                async def traffic() -> None:
                    for chat in range(FIRST_CHAT, FIRST_CHAT + 150):
                        await deliver(chat)
                        await asyncio.sleep(0.05)

                sending = asyncio.create_task(traffic())
                await asyncio.sleep(1.5)
                await asyncio.to_thread(restart_postgres)
                await sending
            assert set(statuses) <= {200, 503}  # never a 500
            assert len(acknowledged) >= 50
            for chat in acknowledged:
                await api.wait_for_messages(1, chat_id=chat, within=90)
            assert server.process.poll() is None  # it did not crash
