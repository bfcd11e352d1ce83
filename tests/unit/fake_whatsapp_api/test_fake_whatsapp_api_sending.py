"""The fake WhatsApp Cloud API's text sends: the answer, the token, unknown nodes and paths,
invalid requests; and marking a message read."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.fakes.whatsapp_api import DEFAULT_PHONE_NUMBER_ID, FakeGraphApi
from tests.fakes.whatsapp_updates import load_webhook
from tests.unit.fake_whatsapp_api.graph_requests import BUDI, assert_error, get, post, text

# -- sending ------------------------------------------------------------------------------------


async def test_send_text(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    assert api.base_url == f"http://127.0.0.1:{api.port}/v23.0"
    assert api.phone_number_id == DEFAULT_PHONE_NUMBER_ID
    status, body = await post(http, api, text(to="+" + BUDI))
    assert status == 200
    [message] = body["messages"]
    assert body == {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "+" + BUDI, "wa_id": BUDI}],
        "messages": [{"id": message["id"]}],
    }
    assert message["id"].startswith("wamid.HBgN")
    [sent] = api.sent_messages(BUDI)
    assert (sent.to, sent.type, sent.wamid, sent.text) == (
        BUDI,
        "text",
        message["id"],
        "Halo, ada yang bisa kami bantu?",
    )
    assert api.sent_messages("+" + BUDI) == [sent]
    assert api.sent_messages("6285700000000") == []
    [call] = api.calls
    assert (call.method, call.path, call.status) == (
        "POST",
        f"/v23.0/{api.phone_number_id}/messages",
        200,
    )
    assert call.json == text(to="+" + BUDI)
    assert call.headers["Authorization"] == f"Bearer {api.token}"
    assert call.at <= sent.at


async def test_wamids_are_unique(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    ids = [(await post(http, api, text()))[1]["messages"][0]["id"] for _ in range(5)]
    assert len(set(ids)) == 5
    assert [m.wamid for m in await api.wait_for_messages(5)] == ids


async def test_type_defaults_to_text(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    message = text()
    del message["type"]
    assert (await post(http, api, message))[0] == 200


@pytest.mark.parametrize(
    ("header", "code"),
    [(None, 190), ("Bearer wrong", 190), ("EAAtest", 190), ("Basic abc", 190)],
)
async def test_bad_token_is_401(api: FakeGraphApi, header: str | None, code: int) -> None:
    headers = {} if header is None else {"Authorization": header}
    async with aiohttp.ClientSession(headers=headers) as session:
        answer = await post(session, api, text())
    assert_error(answer, 401, code)
    assert answer[1]["error"]["message"] == "Invalid OAuth access token - Cannot parse access token"
    assert "error_data" not in answer[1]["error"]
    assert api.sent_messages() == []
    assert api.calls[0].status == 401


async def test_other_phone_number_id(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    answer = await post(http, api, text(), node="113977052174436")
    assert_error(answer, 400, 100)
    error = answer[1]["error"]
    assert error["type"] == "GraphMethodException"
    assert error["message"].startswith("Unsupported post request. Object with ID '113977052174436'")


async def test_unknown_paths(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    assert_error(await get(http, f"{api.url}/v19.0/{api.phone_number_id}"), 400, 2500)
    assert_error(await get(http, f"{api.base_url}/{api.phone_number_id}/messages"), 400, 100)
    async with http.post(f"{api.base_url}/{api.phone_number_id}/media") as response:
        assert response.status == 400  # an upload without its form
    async with http.post(f"{api.base_url}/{api.phone_number_id}/photos") as response:
        assert response.status == 400


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"messaging_product": None}, "(#100) The parameter messaging_product is required."),
        ({"messaging_product": "sms"}, "(#100) Invalid parameter"),
        ({"to": None}, "(#100) The parameter to is required."),
        ({"to": "0812-3456-7890"}, "(#100) Invalid parameter"),
        ({"to": "budi"}, "(#100) Invalid parameter"),
        ({"text": {"body": ""}}, "(#100) The parameter text['body'] is required."),
        ({"text": {"body": "x" * 4097}}, "(#100) Invalid parameter"),
        ({"text": {"body": "x", "preview_url": "yes"}}, "(#100) Invalid parameter"),
        ({"type": "image", "image": {"id": "1"}}, "(#100) Invalid parameter"),
    ],
)
async def test_invalid_text_sends(
    api: FakeGraphApi, http: aiohttp.ClientSession, change: dict[str, Any], message: str
) -> None:
    body = {k: v for k, v in {**text(), **change}.items() if v is not None}
    answer = await post(http, api, body)
    assert_error(answer, 400, 100)
    assert answer[1]["error"]["message"] == message
    assert answer[1]["error"]["error_data"]["messaging_product"] == "whatsapp"
    assert api.sent_messages() == []


async def test_text_limit_and_non_json_body(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    assert (await post(http, api, text("x" * 4096)))[0] == 200
    url = f"{api.base_url}/{api.phone_number_id}/messages"
    async with http.post(url, data=b"not json") as response:
        assert response.status == 400
        assert (await response.json())["error"]["code"] == 100


# -- mark as read -------------------------------------------------------------------------------


async def test_mark_as_read(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    wamid = load_webhook("text")["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
    assert await post(http, api, read) == (200, {"success": True})
    assert api.read_receipts() == [wamid]
    assert api.sent_messages() == []
    assert_error(await post(http, api, {**read, "message_id": "123"}), 400, 100)
    assert_error(await post(http, api, {**read, "status": "delivered"}), 400, 100)
    assert api.read_receipts() == [wamid]
