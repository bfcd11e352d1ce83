"""The faults a test injects into the fake WhatsApp Cloud API (errors, slow sends, dropped
connections), its reset, waiting and constructor arguments."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.fakes.whatsapp_api import FakeGraphApi
from tests.unit.fake_whatsapp_api.graph_requests import assert_error, post, template, text

# -- faults -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        (130429, 400, "(#130429) Rate limit hit"),
        (131056, 400, "(#131056) (Business Account, Consumer Account) pair rate limit hit"),
        (131047, 400, "(#131047) Re-engagement message"),
        (131026, 400, "(#131026) Message Undeliverable"),
        (100, 400, "(#100) Invalid parameter"),
        (131000, 500, "(#131000) Something went wrong"),
        (132001, 404, "(#132001) Template name does not exist in the translation"),
        (190, 401, "Invalid OAuth access token - Cannot parse access token"),
        (999999, 400, "(#999999) Error"),
    ],
)
async def test_fail_next(
    api: FakeGraphApi, http: aiohttp.ClientSession, code: int, status: int, message: str
) -> None:
    api.fail_next(code)
    answer = await post(http, api, text())
    assert_error(answer, status, code)
    assert answer[1]["error"]["message"] == message
    assert (await post(http, api, text()))[0] == 200  # only the next send failed
    assert len(api.sent_messages()) == 1
    assert [c.status for c in api.calls] == [status, 200]


async def test_fail_next_details_and_options(
    api: FakeGraphApi, http: aiohttp.ClientSession
) -> None:
    api.fail_next(131047, times=2, message="(#131047) custom")
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X"}
    assert (await post(http, api, read))[0] == 200  # mark-as-read does not use up a fault
    first, second = await post(http, api, text()), await post(http, api, text())
    assert first[1]["error"]["message"] == second[1]["error"]["message"] == "(#131047) custom"
    details = first[1]["error"]["error_data"]["details"]
    assert details.startswith("Message failed to send because more than 24 hours have passed")
    api.fail_next(130429, http_status=429)
    assert_error(await post(http, api, text()), 429, 130429)
    assert api.sent_messages() == []


async def test_fail_next_with_a_5xx_is_a_plain_transient_error(
    api: FakeGraphApi, http: aiohttp.ClientSession
) -> None:
    api.fail_next(2, http_status=503)
    status, body = await post(http, api, text())
    assert status == 503
    error = body["error"]
    assert error["code"] == 2
    assert error["is_transient"] is True
    assert error["message"] == "An unexpected error has occurred. Please retry your request later."
    assert "error_data" not in error


async def test_slow_next_still_sends(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    api.slow_next(0.5)
    with pytest.raises(TimeoutError):
        async with http.post(
            f"{api.base_url}/{api.phone_number_id}/messages",
            json=text("lambat"),
            timeout=aiohttp.ClientTimeout(total=0.1),
        ):
            pass
    [sent] = await api.wait_for_messages(1)
    assert sent.text == "lambat"
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert (await post(http, api, text()))[0] == 200  # only the next send was slow
    assert loop.time() - started < 0.4


async def test_reset_connection_next(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    api.reset_connection_next()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await post(http, api, text())
    assert api.sent_messages() == []
    assert api.calls[0].status is None
    assert (await post(http, api, text()))[0] == 200


async def test_reset(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    api.add_template("hello_world", "en_US")
    await post(http, api, text())
    api.fail_next(131056)
    api.slow_next(5)
    api.reset()
    assert (api.calls, api.sent_messages(), api.read_receipts()) == ([], [], [])
    assert (await post(http, api, template("hello_world", code="en_US")))[0] == 200


async def test_wait_for_messages_times_out(api: FakeGraphApi) -> None:
    with pytest.raises(TimeoutError, match="0 of 1 messages"):
        await api.wait_for_messages(1, within=0.05)


async def test_other_constructor_arguments() -> None:
    async with FakeGraphApi("v21.0", "123", "EAAother") as api:
        assert api.base_url.endswith("/v21.0")
        headers = {"Authorization": "Bearer EAAother"}
        async with aiohttp.ClientSession(headers=headers) as session:
            assert (await post(session, api, text()))[0] == 200
