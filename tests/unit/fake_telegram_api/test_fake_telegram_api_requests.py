"""The fake Telegram Bot API's requests and answers: getMe, the token, unknown and stubbed
methods, JSON bodies and query strings, and the error body."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from telegram import Bot, BotCommand
from telegram.error import BadRequest, EndPointNotFound, InvalidToken

from tests.fakes.telegram_api import BOT_ID, FakeTelegramApi
from tests.unit.fake_telegram_api.telegram_samples import CHAT

# -- getMe ------------------------------------------------------------------------------------


async def test_get_me_is_the_polres_bot(api: FakeTelegramApi) -> None:
    assert api.base_url == f"http://127.0.0.1:{api.port}/bot"
    assert api.started_at is not None
    async with Bot(api.token, base_url=api.base_url) as bot:  # initialize() calls getMe
        me = await bot.get_me()
    assert me.id == BOT_ID == bot.id
    assert me.is_bot
    assert me.first_name == "Polres Bot"
    assert me.username == "PolresTestBot"
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False
    assert [c.method for c in api.calls] == ["getMe", "getMe"]
    assert all(c.status == 200 and c.at >= api.started_at for c in api.calls)


async def test_wrong_token_is_unauthorized(api: FakeTelegramApi) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("123456:wrong-token", base_url=api.base_url):
            pass
    assert (api.calls[-1].method, api.calls[-1].status) == ("getMe", 401)


async def test_unknown_method_is_not_found(api: FakeTelegramApi, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendPigeon", api_kwargs={"chat_id": CHAT})
    assert (api.calls[-1].method, api.calls[-1].status) == ("sendPigeon", 404)


async def test_a_stubbed_method_answers(api: FakeTelegramApi, bot: Bot) -> None:
    api.stub("setMyCommands", True)
    assert await bot.set_my_commands([("start", "Mulai"), ("lapor", "Buat laporan")])
    commands = api.calls_to("setMyCommands")[0].params["commands"]
    assert commands == [
        {"command": "start", "description": "Mulai"},
        {"command": "lapor", "description": "Buat laporan"},
    ]


# -- other encodings --------------------------------------------------------------------------


async def test_json_bodies_and_query_strings(api: FakeTelegramApi) -> None:
    markup = {"inline_keyboard": [[{"text": "Ya", "callback_data": "ya"}]]}
    async with aiohttp.ClientSession() as http:
        url = f"{api.base_url}{api.token}"
        async with http.post(
            f"{url}/SENDMESSAGE", json={"chat_id": CHAT, "text": "json", "reply_markup": markup}
        ) as response:
            body: dict[str, Any] = await response.json()
        async with http.get(f"{url}/getWebhookInfo", params={"x": "1"}) as response:
            info = await response.json()
        async with http.get(f"{api.url}/file/bot{api.token}/photos/x.jpg") as response:
            missing = (response.status, await response.json())
    assert body["ok"] is True
    assert body["result"]["text"] == "json"
    assert body["result"]["reply_markup"] == markup
    assert api.sent_messages()[0].reply_markup == markup
    assert api.calls[0].method == "sendMessage"  # method names are case-insensitive
    assert info == {
        "ok": True,
        "result": {"url": "", "has_custom_certificate": False, "pending_update_count": 0},
    }
    assert missing == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_error_body_shape(api: FakeTelegramApi) -> None:
    api.fail_next("sendMessage", status=429, retry_after=7)
    async with aiohttp.ClientSession() as http:
        url = f"{api.base_url}{api.token}/sendMessage"
        async with http.post(url, data={"chat_id": str(CHAT), "text": "a"}) as response:
            assert response.status == 429
            assert await response.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            }
        async with http.post(f"{api.base_url}nope/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }


# -- the command menu -------------------------------------------------------------------------


async def test_set_my_commands_per_language(api: FakeTelegramApi) -> None:
    async with Bot(api.token, base_url=api.base_url) as bot:
        assert await bot.set_my_commands([BotCommand("lapor", "Lapor kejadian")])
        await bot.set_my_commands([("lapor", "Report an incident")], language_code="en")
        english = await bot.get_my_commands(language_code="en")
        with pytest.raises(BadRequest, match=r"(?i)command is invalid"):
            await bot.set_my_commands([BotCommand("Lapor-Kejadian", "x")])
        with pytest.raises(BadRequest, match=r"(?i)invalid language code"):
            await bot.set_my_commands([BotCommand("lapor", "x")], language_code="indonesia")
    assert [(c.command, c.description) for c in english] == [("lapor", "Report an incident")]
    assert api.command_menus == {
        "": [{"command": "lapor", "description": "Lapor kejadian"}],
        "en": [{"command": "lapor", "description": "Report an incident"}],
    }
