"""Subscriptions over Telegram and broadcasts from the terminal, through a real `polres serve`
and the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from itertools import count

import pytest

from tests.e2e.conftest import Server, run_polres, serving
from tests.e2e.test_telegram import SECRET, button_update, converse, text_update
from tests.fakes.telegram_api import FakeTelegramApi

pytestmark = pytest.mark.rasa
chats = count(6_300_000_001)


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi() as fake:
        yield fake


@pytest.fixture(scope="module")
async def server(
    api: FakeTelegramApi, rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    env = {
        "RASA_URL": rasa_url,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": api.base_url,
    }
    async with serving(tmp_path_factory.mktemp("broadcasts"), **env) as server:
        yield server


async def polres(server: Server, *args: str) -> str:
    done = await asyncio.to_thread(run_polres, *args, env=server.env)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_subscribers_get_a_broadcast_with_a_progress_bar_and_can_stop(
    server: Server, api: FakeTelegramApi
) -> None:
    flood, english, other = next(chats), next(chats), next(chats)
    assert "Pilih topik" in await converse(server, api, flood, text_update(flood, "/langganan"))
    reply = await converse(server, api, flood, button_update(flood, "/langganan bencana"))
    assert "Peringatan bencana" in reply
    await converse(server, api, english, text_update(english, "hello, can you help me please"))
    assert "subscribed" in await converse(
        server, api, english, text_update(english, "/subscribe disaster")
    )
    await converse(server, api, other, text_update(other, "/langganan narkoba"))

    out = await polres(
        server,
        "broadcast", "send", "--topic", "bencana", "--urgent",
        "--text", "Waspada banjir, siapkan tas siaga.", "--text-en", "Flood warning: pack a go-bag.",
    )  # fmt: skip
    assert "100%" in out
    assert "sent 2" in out
    assert out.rstrip().endswith("done")
    assert len([m for m in api.sent_messages(flood) if "Waspada banjir" in m.plain_text]) == 1
    assert any("Flood warning" in m.plain_text for m in api.sent_messages(english))
    assert not any("banjir" in m.plain_text for m in api.sent_messages(other))
    assert "done" in await polres(server, "broadcast", "list")

    assert "tidak lagi" in await converse(server, api, flood, text_update(flood, "/berhenti semua"))
    await polres(server, "broadcast", "send", "--topic", "bencana", "--text", "Banjir surut.")
    await api.wait_for_messages(1, chat_id=english, within=20)
    assert any("Banjir surut" in m.plain_text for m in api.sent_messages(english))
    assert not any("surut" in m.plain_text for m in api.sent_messages(flood))


async def test_a_scheduled_broadcast_can_be_cancelled(server: Server, api: FakeTelegramApi) -> None:
    chat = next(chats)
    await converse(server, api, chat, text_update(chat, "/langganan info"))
    out = await polres(
        server, "broadcast", "send", "--topic", "info", "--text", "Besok ada razia.",
        "--at", "2099-01-01 07:00",
    )  # fmt: skip
    assert "scheduled for 01/01/2099 07:00 WIB" in out
    broadcast_id = out.split("#", 1)[1].split()[0]
    assert f"broadcast #{broadcast_id} cancelled" in await polres(
        server, "broadcast", "cancel", broadcast_id
    )
    again = await asyncio.to_thread(run_polres, "broadcast", "cancel", broadcast_id, env=server.env)
    assert again.returncode == 2
    assert "not scheduled or running" in again.stderr
