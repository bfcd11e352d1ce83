"""Telegram through a real `polres serve` against the fake Bot API, in webhook and polling mode."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from itertools import count
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.core.tickets import find_ticket_code
from tests.e2e.conftest import Server, officer_session, serving, ticket_action
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.telegram_updates import load_update

pytestmark = pytest.mark.rasa
SECRET = "e2e-webhook-secret"
WEBHOOK_URL = "https://polres.example.id/webhook/telegram"
chats = count(6_100_000_001)
ids = count(900_000_001)


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi() as fake:
        yield fake


@pytest.fixture(scope="module")
async def webhook_server(
    api: FakeTelegramApi, rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    env = {
        "RASA_URL": rasa_url,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_URL": WEBHOOK_URL,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": api.base_url,
    }
    async with serving(tmp_path_factory.mktemp("telegram-webhook"), **env) as server:
        yield server


def text_update(chat_id: int, text: str) -> dict[str, Any]:
    return load_update(
        "private_text",
        update_id=next(ids),
        message_id=next(ids),
        chat_id=chat_id,
        user_id=chat_id,
        text=text,
    )


def button_update(chat_id: int, payload: str) -> dict[str, Any]:
    update = load_update(
        "callback_query", update_id=next(ids), chat_id=chat_id, user_id=chat_id, data=payload
    )
    update["callback_query"]["id"] = str(next(ids))  # every button press is a new query
    return update


async def post_update(
    server: Server,
    api: FakeTelegramApi,
    update: Any,
    secret: str = SECRET,
    raw: bytes | None = None,
) -> int:
    if isinstance(update, dict):
        api.learn_update(update)
    body = raw if raw is not None else json.dumps(update).encode()
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}
    url = f"{server.url}/webhook/telegram"
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
        return r.status


async def converse(
    server: Server, api: FakeTelegramApi, chat_id: int, update: dict[str, Any]
) -> str:
    """Send one update and return the text of the bot's next message to that chat."""
    before = len(api.sent_messages(chat_id))
    assert await post_update(server, api, update) == 200
    sent = await api.wait_for_messages(before + 1, chat_id=chat_id, within=20)
    return sent[before].plain_text


async def test_serve_registers_the_webhook_with_its_secret(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    [call] = api.calls_to("setWebhook")
    assert call.params["url"] == WEBHOOK_URL
    assert call.params["secret_token"] == SECRET
    assert call.params.get("drop_pending_updates") in (None, False)
    assert sorted(call.params["allowed_updates"]) == ["callback_query", "message"]


async def test_serve_sets_the_command_menu_in_each_language(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    menus = {
        language: {c["command"]: c["description"] for c in menu}
        for language, menu in api.command_menus.items()
    }
    assert set(menus) == {"", "en"}  # Indonesian for everyone but English-language apps
    assert list(menus[""])[:3] == ["start", "lapor", "status"]
    assert menus[""]["lapor"] == "Lapor kejadian"
    assert menus["en"]["lapor"] == "Report an incident"
    assert menus[""].keys() == menus["en"].keys()


async def test_faq_question_gets_its_answer_with_buttons(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    chat = next(chats)
    assert (
        await post_update(webhook_server, api, text_update(chat, "syarat bikin skck apa aja min"))
        == 200
    )
    [sent] = await api.wait_for_messages(1, chat_id=chat, within=20)
    assert "SKCK" in sent.plain_text
    assert sent.parse_mode == "HTML"
    assert sent.reply_markup is not None
    payloads = [row[0]["callback_data"] for row in sent.reply_markup["inline_keyboard"]]
    assert payloads == ["/info skck", "/petugas", "/menu"]  # it asked for the requirements
    assert "Rp30.000" not in sent.plain_text

    assert await post_update(webhook_server, api, button_update(chat, "/info skck")) == 200
    [_, whole] = await api.wait_for_messages(2, chat_id=chat, within=20)
    assert "Rp30.000" in whole.plain_text  # the whole answer, the fee with it


async def test_crime_report_dialog_with_location_photo_and_buttons(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    chat = next(chats)
    assert "Di mana" in await converse(
        webhook_server, api, chat, text_update(chat, "motor saya dicuri semalam di depan rumah")
    )
    location = load_update(
        "private_location", update_id=next(ids), message_id=next(ids), chat_id=chat, user_id=chat
    )
    assert "jam berapa kejadiannya, semalam?" in await converse(webhook_server, api, chat, location)
    assert "foto" in await converse(webhook_server, api, chat, text_update(chat, "jam 2an"))
    photo = load_update(
        "private_photo",
        update_id=next(ids),
        message_id=next(ids),
        chat_id=chat,
        user_id=chat,
        text="",
    )
    assert "Foto diterima" in await converse(webhook_server, api, chat, photo)
    assert "dirahasiakan" in await converse(
        webhook_server, api, chat, button_update(chat, "/lewati")
    )
    summary = await converse(webhook_server, api, chat, button_update(chat, "/ya"))
    assert "• Waktu: semalam, jam 2an\n• Foto: 1\n" in summary
    created = await converse(webhook_server, api, chat, button_update(chat, "/kirim"))
    assert find_ticket_code(created) is not None
    assert len(api.calls_to("answerCallbackQuery")) >= 3


async def test_urgent_report_gets_110_and_112_first(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    chat = next(chats)
    reply = await converse(
        webhook_server,
        api,
        chat,
        text_update(chat, "TOLONG ada rampok bawa golok di rumah saya sekarang"),
    )
    assert "110" in reply
    assert "112" in reply


async def test_a_redelivered_update_gets_one_reply(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    chat = next(chats)
    update = text_update(chat, "pelayanan satlantas kemarin cepat dan ramah, terima kasih")
    assert await post_update(webhook_server, api, update) == 200
    assert await post_update(webhook_server, api, update) == 200
    await api.wait_for_messages(1, chat_id=chat, within=20)
    await asyncio.sleep(2)
    assert len(api.sent_messages(chat)) == 1


async def test_bad_requests_are_refused_and_nothing_is_stored(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    chat = next(chats)
    assert await post_update(webhook_server, api, text_update(chat, "halo"), secret="wrong") == 403
    assert await post_update(webhook_server, api, None, raw=b"{not json") == 400
    assert (
        await post_update(webhook_server, api, None, raw=b'{"update_id": "x", "message": 5}') == 400
    )
    assert (
        await post_update(webhook_server, api, None, raw=b'{"x": "' + b"a" * 300_000 + b'"}') == 413
    )
    await asyncio.sleep(2)
    assert api.sent_messages(chat) == []


async def test_a_429_storm_delivers_every_reply_once_and_never_before_retry_after(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    api.fail_next("sendMessage", 429, retry_after=2, times=3)
    chat_ids = [next(chats) for _ in range(3)]
    for chat in chat_ids:
        assert await post_update(webhook_server, api, text_update(chat, "halo min")) == 200
    for chat in chat_ids:
        assert len(await api.wait_for_messages(1, chat_id=chat, within=40)) == 1
    calls = api.calls_to("sendMessage")
    refused = [c for c in calls if c.status == 429]
    assert len(refused) == 3
    first_refusal = refused[0].at
    later = [c for c in calls if c.at > first_refusal and c.status != 429]
    assert later
    assert min(c.at for c in later) >= first_refusal + 2
    await asyncio.sleep(1)
    for chat in chat_ids:
        assert len(api.sent_messages(chat)) == 1


async def test_a_citizen_who_blocked_the_bot_is_not_retried(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    chat = next(chats)
    api.block_chat(chat)
    assert await post_update(webhook_server, api, text_update(chat, "halo")) == 200
    await api.wait_for_calls("sendMessage", 1, within=20)
    await asyncio.sleep(3)
    assert (
        len([c for c in api.calls_to("sendMessage") if str(c.params.get("chat_id")) == str(chat)])
        == 1
    )


async def test_polling_mode_answers_through_getupdates(
    api: FakeTelegramApi, rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    async with FakeTelegramApi() as polled:
        env = {
            "RASA_URL": rasa_url,
            "TELEGRAM_BOT_TOKEN": polled.token,
            "TELEGRAM_MODE": "polling",
            "TELEGRAM_API_BASE_URL": polled.base_url,
        }
        async with serving(tmp_path_factory.mktemp("telegram-polling"), **env):
            chat = next(chats)
            polled.queue_update(text_update(chat, "/start"))
            [welcome] = await polled.wait_for_messages(1, chat_id=chat, within=30)
            assert "selamat datang" in welcome.plain_text
            polled.queue_update(text_update(chat, "TOLONG ada maling masuk rumah saya sekarang"))
            messages = await polled.wait_for_messages(2, chat_id=chat, within=30)
            assert "110" in messages[1].plain_text
            assert polled.calls_to("setWebhook") == []


async def test_an_officer_reply_reaches_the_citizen_on_telegram(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    chat = next(chats)
    first = await converse(
        webhook_server, api, chat, text_update(chat, "tolong ada begal di jalan raya sekarang")
    )
    code = find_ticket_code(first)
    assert code is not None
    async with officer_session(webhook_server, "rina") as officer:
        before = len(api.sent_messages(chat))
        await ticket_action(officer, code, "claim")
        await ticket_action(officer, code, "reply", text="Tim kami <b>menuju</b> lokasi")
    sent = await api.wait_for_messages(before + 2, chat_id=chat, within=20)
    assert code in sent[before].plain_text
    assert sent[before + 1].plain_text == "👮 Petugas: Tim kami <b>menuju</b> lokasi"


async def test_an_officer_opens_the_photo_of_a_report(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    chat = next(chats)
    first = await converse(
        webhook_server, api, chat, text_update(chat, "tolong ada perampokan sekarang di toko saya")
    )
    code = find_ticket_code(first)
    assert code is not None
    photo = load_update(
        "private_photo", update_id=next(ids), message_id=next(ids), chat_id=chat, user_id=chat
    )
    file_id = photo["message"]["photo"][-1]["file_id"]
    jpeg = b"\xff\xd8\xff\xe0" + b"JFIF-photo-of-the-robber"
    api.add_file(file_id, jpeg)
    await converse(webhook_server, api, chat, photo)  # follow-up: the photo joins the ticket

    async with officer_session(webhook_server, "dewi") as officer:
        async with officer.get(f"/dashboard/tickets/{code}") as page:
            assert f'src="/dashboard/media/telegram/{file_id}"' in await page.text()
        async with officer.get(f"/dashboard/media/telegram/{file_id}") as image:
            assert image.status == 200
            assert image.content_type == "image/jpeg"
            assert await image.read() == jpeg
        async with officer.get("/dashboard/media/telegram/unknown-file") as missing:
            assert missing.status == 502
    async with (
        aiohttp.ClientSession(webhook_server.url) as anonymous,
        anonymous.get(f"/dashboard/media/telegram/{file_id}", allow_redirects=False) as refused,
    ):
        assert refused.status == 303


async def test_tokens_secrets_and_message_text_stay_out_of_the_log(
    webhook_server: Server, api: FakeTelegramApi
) -> None:
    chat = next(chats)
    await converse(
        webhook_server, api, chat, text_update(chat, "nomor rekening saya 1234567890 rahasia")
    )
    async with officer_session(webhook_server, "tono"):
        pass  # a login: its password must not be logged either
    log = (Path(webhook_server.env["DATABASE_URL"].removeprefix("sqlite:///")).parent
           / "serve.log").read_text()  # fmt: skip
    assert "INFO" in log  # the log is written at INFO
    for secret in (api.token, SECRET, "sandi-tono-12345", "rahasia", str(chat)):
        assert secret not in log
