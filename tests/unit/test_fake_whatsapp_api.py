"""The fake WhatsApp Cloud API answers like graph.facebook.com, and its fixtures have Meta's shape.

Driven with a plain aiohttp client, the way the WhatsApp channel talks to the Graph API.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import io
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.whatsapp_api import (
    DEFAULT_PHONE_NUMBER_ID,
    DISPLAY_PHONE_NUMBER,
    FakeGraphApi,
    SentImage,
    make_wamid,
    sign,
)
from tests.fakes.whatsapp_updates import (
    WEBHOOK_NAMES,
    changes,
    load_webhook,
    messages,
    statuses,
    webhook_body,
)

BUDI = "6281234567890"
PHOTO = b"\xff\xd8\xff\xe0 peringatan banjir"
EXPECTED_FIXTURES = {
    "text",
    "interactive_button_reply",
    "interactive_list_reply",
    "location",
    "image",
    "audio",
    "video",
    "sticker",
    "document",
    "button",
    "reaction",
    "status_sent",
    "status_delivered",
    "status_read",
    "status_failed",
    "multiple",
    "other_phone_number",
}
Answer = tuple[int, dict[str, Any]]


@pytest.fixture
async def api() -> AsyncIterator[FakeGraphApi]:
    async with FakeGraphApi() as fake:
        yield fake


@pytest.fixture
async def http(api: FakeGraphApi) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {api.token}"}) as session:
        yield session


async def post(
    http: aiohttp.ClientSession, api: FakeGraphApi, body: Any, *, node: str | None = None
) -> Answer:
    url = f"{api.base_url}/{node or api.phone_number_id}/messages"
    async with http.post(url, json=body) as response:
        return response.status, await response.json()


async def get(http: aiohttp.ClientSession, url: str) -> Answer:
    async with http.get(url) as response:
        return response.status, await response.json()


async def upload(
    http: aiohttp.ClientSession,
    api: FakeGraphApi,
    data: bytes = PHOTO,
    content_type: str = "image/jpeg",
    **fields: str,
) -> Answer:
    """POST {base}/{phone_number_id}/media as the channel does; `fields` override the form's
    messaging_product and type (an empty value leaves the field out)."""
    form = aiohttp.FormData()
    for name, value in {"messaging_product": "whatsapp", "type": content_type, **fields}.items():
        if value:
            form.add_field(name, value)
    form.add_field("file", io.BytesIO(data), filename="banjir.jpg", content_type=content_type)
    async with http.post(f"{api.base_url}/{api.phone_number_id}/media", data=form) as response:
        return response.status, await response.json()


def image(caption: str | None = None, to: str = BUDI, **source: str) -> dict[str, Any]:
    body: dict[str, Any] = dict(source)
    if caption is not None:
        body["caption"] = caption
    return {"messaging_product": "whatsapp", "to": to, "type": "image", "image": body}


def text(body: str = "Halo, ada yang bisa kami bantu?", to: str = BUDI) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"preview_url": False, "body": body},
    }


def buttons(*titles: str, body: str = "Pilih menu:") -> dict[str, Any]:
    replies = [
        {"type": "reply", "reply": {"id": f"b{i}", "title": t}} for i, t in enumerate(titles)
    ]
    return {
        "messaging_product": "whatsapp",
        "to": BUDI,
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": body}, "action": {"buttons": replies}},
    }


def rows(count: int, **row: str) -> list[dict[str, str]]:
    return [{"id": f"r{i}", "title": f"Pilihan {i}", **row} for i in range(count)]


def list_message(*sections: list[dict[str, str]], button: str = "Lihat menu") -> dict[str, Any]:
    action = {"button": button, "sections": [{"title": "Layanan", "rows": r} for r in sections]}
    return {
        "messaging_product": "whatsapp",
        "to": BUDI,
        "type": "interactive",
        "interactive": {"type": "list", "body": {"text": "Layanan Polres:"}, "action": action},
    }


def template(name: str = "laporan_diperbarui", *params: str, code: str = "id") -> dict[str, Any]:
    tpl: dict[str, Any] = {"name": name, "language": {"code": code}}
    if params:
        parameters = [{"type": "text", "text": p} for p in params]
        tpl["components"] = [{"type": "body", "parameters": parameters}]
    return {"messaging_product": "whatsapp", "to": BUDI, "type": "template", "template": tpl}


def assert_error(answer: Answer, status: int, code: int, details: str | None = None) -> None:
    got_status, body = answer
    assert got_status == status, body
    error = body["error"]
    assert error["code"] == code
    assert error["type"] in ("OAuthException", "GraphMethodException")
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,}", error["fbtrace_id"])
    if details is not None:
        assert error["error_data"] == {"messaging_product": "whatsapp", "details": details}


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


# -- interactive --------------------------------------------------------------------------------


async def test_reply_buttons(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    message = buttons("Lapor kejadian", "Cek status", "x" * 20, body="b" * 1024)
    message["interactive"]["header"] = {"type": "text", "text": "Polres"}
    message["interactive"]["footer"] = {"text": "Darurat: 110"}
    assert (await post(http, api, message))[0] == 200
    [sent] = api.sent_messages()
    assert sent.type == "interactive"
    assert sent.reply_ids == ["b0", "b1", "b2"]
    assert sent.text == "b" * 1024


@pytest.mark.parametrize(
    ("message", "details"),
    [
        (buttons(), "Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3"),
        (
            buttons("a", "b", "c", "d"),
            "Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3",
        ),
        (buttons("x" * 21), "Button title length invalid. Min length: 1, Max length: 20"),
        (buttons("a", "a"), "Button title is not unique"),
        (buttons("a", body="b" * 1025), "Body length invalid. Min length: 1, Max length: 1024"),
    ],
)
async def test_invalid_reply_buttons(
    api: FakeGraphApi, http: aiohttp.ClientSession, message: dict[str, Any], details: str
) -> None:
    answer = await post(http, api, message)
    assert_error(answer, 400, 131009, details)
    assert answer[1]["error"]["message"] == "(#131009) Parameter value is not valid"


async def test_reply_button_ids(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    message = buttons("a", "b")
    replies = message["interactive"]["action"]["buttons"]
    replies[1]["reply"]["id"] = "b0"
    assert_error(await post(http, api, message), 400, 131009, "Button id is not unique")
    replies[1]["reply"]["id"] = "i" * 257
    details = "Button id length invalid. Min length: 1, Max length: 256"
    assert_error(await post(http, api, message), 400, 131009, details)
    replies[1]["type"] = "url"
    assert_error(await post(http, api, message), 400, 100)
    message["interactive"]["type"] = "carousel"
    assert_error(await post(http, api, message), 400, 100)
    del message["interactive"]["body"]
    message["interactive"]["type"] = "button"
    assert_error(await post(http, api, message), 400, 100)


async def test_list(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    message = list_message(rows(4, description="d" * 72), rows(6), button="b" * 20)
    for i, row in enumerate(message["interactive"]["action"]["sections"][1]["rows"]):
        row["id"] = f"s{i}"
    message["interactive"]["body"]["text"] = "t" * 4096
    assert (await post(http, api, message))[0] == 200
    assert api.sent_messages()[0].reply_ids == [f"r{i}" for i in range(4)] + [
        f"s{i}" for i in range(6)
    ]


@pytest.mark.parametrize(
    ("message", "details"),
    [
        (list_message(rows(11)), "Total row count exceed max allowed count: 10"),
        (
            list_message(*[rows(1)] * 11),
            "Invalid sections count. Min allowed sections: 1, Max allowed sections: 10",
        ),
        (
            list_message(rows(1, title="t" * 25)),
            "Row title length invalid. Min length: 1, Max length: 24",
        ),
        (
            list_message(rows(1, description="d" * 73)),
            "Row description length invalid. Min length: 0, Max length: 72",
        ),
        (
            list_message(rows(1, id="i" * 201)),
            "Row id length invalid. Min length: 1, Max length: 200",
        ),
        (
            list_message(rows(1), button="b" * 21),
            "Button text length invalid. Min length: 1, Max length: 20",
        ),
        (list_message(rows(1), rows(1)), "Row id is not unique"),
    ],
)
async def test_invalid_lists(
    api: FakeGraphApi, http: aiohttp.ClientSession, message: dict[str, Any], details: str
) -> None:
    assert_error(await post(http, api, message), 400, 131009, details)


async def test_list_body_and_section_titles(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    message = list_message(rows(1))
    message["interactive"]["body"]["text"] = "t" * 4097
    details = "Body length invalid. Min length: 1, Max length: 4096"
    assert_error(await post(http, api, message), 400, 131009, details)
    message = list_message(rows(1), [{"id": "z", "title": "Z"}])
    del message["interactive"]["action"]["sections"][1]["title"]  # required with 2+ sections
    assert_error(await post(http, api, message), 400, 100)
    del message["interactive"]["action"]["sections"][1]
    del message["interactive"]["action"]["sections"][0]["title"]  # optional with one section
    assert (await post(http, api, message))[0] == 200


# -- templates ----------------------------------------------------------------------------------


async def test_template(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    api.add_template("laporan_diperbarui", "id", body_params=2)
    api.add_template("hello_world", "en_US")
    status, body = await post(
        http, api, template("laporan_diperbarui", "PL-7K3M-Q9XD", "Selesai    ya")
    )
    assert status == 200
    assert body["messages"][0]["message_status"] == "accepted"
    assert body["contacts"] == [{"input": BUDI, "wa_id": BUDI}]
    assert (await post(http, api, template("hello_world", code="en_US")))[0] == 200
    assert [m.type for m in api.sent_messages()] == ["template", "template"]


async def test_unknown_template(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    api.add_template("hello_world", "en_US")
    answer = await post(http, api, template("hello_world", code="id"))
    assert_error(answer, 404, 132001, "template name (hello_world) does not exist in id")
    assert (
        answer[1]["error"]["message"] == "(#132001) Template name does not exist in the translation"
    )


async def test_template_parameter_count(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    api.add_template("laporan_diperbarui", "id", body_params=1)
    details = (
        "body: number of localizable_params (0) does not match the expected number of params (1)"
    )
    assert_error(await post(http, api, template()), 400, 132000, details)
    details = (
        "body: number of localizable_params (2) does not match the expected number of params (1)"
    )
    assert_error(
        await post(http, api, template("laporan_diperbarui", "a", "b")), 400, 132000, details
    )


@pytest.mark.parametrize("value", ["baris 1\nbaris 2", "a\tb", "lima     spasi"])
async def test_template_text_parameters(
    api: FakeGraphApi, http: aiohttp.ClientSession, value: str
) -> None:
    api.add_template("laporan_diperbarui", "id", body_params=1)
    details = "Param text cannot have new-line/tab characters or more than 4 consecutive spaces"
    assert_error(await post(http, api, template("laporan_diperbarui", value)), 400, 132018, details)


async def test_template_structure(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    message = template()
    del message["template"]["language"]
    assert_error(await post(http, api, message), 400, 100)
    message = template()
    message["template"]["name"] = ""
    assert_error(await post(http, api, message), 400, 100)
    api.add_template("laporan_diperbarui", "id", body_params=1)
    assert_error(await post(http, api, template("laporan_diperbarui", " ")), 400, 131008)


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


# -- media --------------------------------------------------------------------------------------


async def test_media(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    photo = b"\xff\xd8\xff\xe0 motor"
    api.add_media("1479863573264437", photo)
    status, info = await get(http, f"{api.base_url}/1479863573264437")
    assert status == 200
    assert info == {
        "url": info["url"],
        "mime_type": "image/jpeg",
        "sha256": hashlib.sha256(photo).hexdigest(),
        "file_size": len(photo),
        "id": "1479863573264437",
        "messaging_product": "whatsapp",
    }
    assert info["url"].startswith(
        f"{api.url}/whatsapp_media/1479863573264437?mid=1479863573264437&ext="
    )
    async with http.get(info["url"]) as response:
        assert response.status == 200
        assert response.content_type == "image/jpeg"
        assert await response.read() == photo
    async with aiohttp.ClientSession() as anonymous, anonymous.get(info["url"]) as response:
        assert response.status == 401
    api.add_media("777", b"OggS", mime_type="audio/ogg")
    assert (await get(http, f"{api.base_url}/777"))[1]["mime_type"] == "audio/ogg"


async def test_upload_then_send_image(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    status, body = await upload(http, api)
    assert status == 200
    media_id = body["id"]
    assert body == {"id": media_id}
    assert media_id.isdigit()
    media = api.media(media_id)
    assert (media.data, media.mime_type, media.filename, media.uploaded) == (
        PHOTO,
        "image/jpeg",
        "banjir.jpg",
        True,
    )
    assert api.uploaded_media() == [media]
    call = api.calls[0]
    assert (call.path, call.status, call.json) == (f"/v23.0/{api.phone_number_id}/media", 200, None)
    info = (await get(http, f"{api.base_url}/{media_id}"))[1]  # described like any media
    assert (info["sha256"], info["file_size"]) == (media.sha256, len(PHOTO))

    status, body = await post(http, api, image("Waspada banjir", id=media_id))
    assert status == 200
    [message] = body["messages"]
    assert body == {
        "messaging_product": "whatsapp",
        "contacts": [{"input": BUDI, "wa_id": BUDI}],
        "messages": [{"id": message["id"]}],
    }
    [sent] = api.sent_images(BUDI)
    assert sent == SentImage(BUDI, media_id, None, "Waspada banjir", media, message["id"], sent.at)
    [recorded] = await api.wait_for_messages(1)  # images are messages too
    assert (recorded.type, recorded.text, recorded.wamid) == ("image", "Waspada banjir", sent.wamid)

    status, _ = await post(http, api, image(link="https://polres.example.go.id/banjir.png"))
    assert status == 200
    linked = api.sent_images()[1]
    assert (linked.media_id, linked.link, linked.caption, linked.media) == (
        None,
        "https://polres.example.go.id/banjir.png",
        "",
        None,
    )
    assert api.sent_images("6285700000000") == []
    api.reset()  # uploads stay
    assert (await post(http, api, image(id=media_id)))[0] == 200


async def test_upload_limits(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    limit = 5 * 1024 * 1024
    assert (await upload(http, api, b"\x89PNG" + bytes(limit - 4), "image/png"))[0] == 200
    details = "Media file size too big. Max file size we currently support: 5MB."
    assert_error(await upload(http, api, bytes(limit + 1)), 400, 131053, details)
    assert len(api.uploaded_media()) == 1


@pytest.mark.parametrize(
    ("content_type", "fields", "code", "message"),
    [
        (
            "text/plain",
            {"type": "text/plain"},
            100,
            "(#100) Param file must be a file with one of the following types: image/jpeg,"
            " image/png. Received file of type 'text/plain'.",
        ),
        (
            "application/octet-stream",  # the type field does not make up for the file part's
            {"type": "image/jpeg"},
            100,
            "(#100) Param file must be a file with one of the following types: image/jpeg,"
            " image/png. Received file of type 'application/octet-stream'.",
        ),
        ("image/jpeg", {"type": "image/png"}, 131053, "(#131053) Media upload error"),
        ("image/jpeg", {"type": ""}, 100, "(#100) The parameter type is required."),
        (
            "image/jpeg",
            {"messaging_product": ""},
            100,
            "(#100) The parameter messaging_product is required.",
        ),
        ("image/jpeg", {"messaging_product": "sms"}, 100, "(#100) Invalid parameter"),
    ],
)
async def test_invalid_uploads(
    api: FakeGraphApi,
    http: aiohttp.ClientSession,
    content_type: str,
    fields: dict[str, str],
    code: int,
    message: str,
) -> None:
    answer = await upload(http, api, PHOTO, content_type, **fields)
    assert_error(answer, 400, code)
    assert answer[1]["error"]["message"] == message
    assert api.uploaded_media() == []


async def test_upload_needs_the_token_and_a_file(api: FakeGraphApi) -> None:
    async with aiohttp.ClientSession() as anonymous:
        assert_error(await upload(anonymous, api), 401, 190)
    headers = {"Authorization": f"Bearer {api.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        form = {"messaging_product": "whatsapp", "type": "image/jpeg"}
        url = f"{api.base_url}/{api.phone_number_id}/media"
        async with http.post(url, data=form) as response:
            assert_error((response.status, await response.json()), 400, 100)
        other = f"{api.base_url}/113977052174436/media"
        async with http.post(other, data=form) as response:
            assert (await response.json())["error"]["type"] == "GraphMethodException"
    assert api.uploaded_media() == []


@pytest.mark.parametrize(
    ("source", "code", "details"),
    [
        (
            {"id": "1479863573264437"},  # a file a user sent, not an upload of the bot
            100,
            "Param image['id'] is not a valid whatsapp business account media attachment ID",
        ),
        (
            {"id": "999"},
            100,
            "Param image['id'] is not a valid whatsapp business account media attachment ID",
        ),
        ({}, 100, "Param image must have either an id or a link, not both."),
        (
            {"id": "uploaded", "link": "https://polres.example.go.id/a.jpg"},
            100,
            "Param image must have either an id or a link, not both.",
        ),
        (
            {"link": "ftp://polres.example.go.id/a.jpg"},
            100,
            "Param image['link'] must be a valid URL.",
        ),
        (
            {"id": "uploaded", "caption": "c" * 1025},
            131009,
            "Caption length invalid. Min length: 0, Max length: 1024",
        ),
    ],
)
async def test_invalid_image_messages(
    api: FakeGraphApi,
    http: aiohttp.ClientSession,
    source: dict[str, str],
    code: int,
    details: str,
) -> None:
    api.add_media("1479863573264437", PHOTO)
    media_id = (await upload(http, api))[1]["id"]
    body = image(**{k: media_id if v == "uploaded" else v for k, v in source.items()})
    assert_error(await post(http, api, body), 400, code, details)
    assert api.sent_messages() == []
    assert (await post(http, api, image("c" * 1024, id=media_id)))[0] == 200


async def test_image_obeys_the_same_faults_as_text(
    api: FakeGraphApi, http: aiohttp.ClientSession
) -> None:
    media_id = (await upload(http, api))[1]["id"]
    api.fail_next(131047)  # outside the 24-hour window: refused as a text would be
    answer = await post(http, api, image("Waspada", id=media_id))
    assert_error(answer, 400, 131047)
    assert answer[1]["error"]["error_data"]["details"].startswith("Message failed to send because")
    api.fail_next(130429, http_status=429)
    assert_error(await post(http, api, image(id=media_id)), 429, 130429)
    api.reset_connection_next()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await post(http, api, image(id=media_id))
    assert api.sent_images() == []
    api.fail_next(131047)
    assert (await upload(http, api))[0] == 200  # an upload is not a send: the fault waits
    assert_error(await post(http, api, text()), 400, 131047)
    assert (await post(http, api, image(id=media_id)))[0] == 200
    assert [i.media_id for i in api.sent_images()] == [media_id]


async def test_unknown_media(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    answer = await get(http, f"{api.base_url}/999")
    assert_error(answer, 400, 100)
    assert answer[1]["error"]["message"].startswith("Unsupported get request. Object with ID '999'")
    async with http.get(f"{api.url}/whatsapp_media/999") as response:
        assert response.status == 404


async def test_phone_number_node(api: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    status, info = await get(http, f"{api.base_url}/{api.phone_number_id}")
    assert status == 200
    assert info["id"] == api.phone_number_id
    assert info["display_phone_number"] == DISPLAY_PHONE_NUMBER


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


# -- webhook signature and fixtures -------------------------------------------------------------


def test_sign() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    expected = hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    assert sign(body, "app-secret") == f"sha256={expected}"
    fox = b"The quick brown fox jumps over the lazy dog"  # the well-known HMAC-SHA256 vector
    assert sign(fox, "key") == (
        "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )
    assert sign(body, "other") != sign(body, "app-secret")


def test_webhook_body_is_what_meta_sends() -> None:
    payload = load_webhook("reaction")
    body = webhook_body(payload)
    assert json.loads(body) == payload
    assert b" " not in body.split(b'"')[0]  # compact
    assert b"\\ud83d\\udc4d" in body  # 👍 escaped
    image = webhook_body(load_webhook("image"))
    assert b"https:\\/\\/lookaside.fbsbx.com\\/whatsapp_business\\/attachments\\/" in image
    assert re.fullmatch(r"sha256=[0-9a-f]{64}", sign(body, "s"))


def test_all_fixtures_are_present() -> None:
    assert set(WEBHOOK_NAMES) == EXPECTED_FIXTURES


def _decode_wamid(wamid: str) -> tuple[str, bool]:
    raw = base64.b64decode(wamid.removeprefix("wamid."))
    length = raw[2]
    return raw[3 : 3 + length].decode(), raw[3 + length + 3] == 0x11


@pytest.mark.parametrize("name", sorted(EXPECTED_FIXTURES))
def test_every_fixture_has_the_real_shape(name: str) -> None:
    payload = load_webhook(name)
    assert list(payload) == ["object", "entry"]
    assert payload["object"] == "whatsapp_business_account"
    for entry in payload["entry"]:
        assert set(entry) == {"id", "changes"}
        assert entry["id"].isdigit()
        for change in entry["changes"]:
            assert change["field"] == "messages"
            value = change["value"]
            assert value["messaging_product"] == "whatsapp"
            assert set(value["metadata"]) == {"display_phone_number", "phone_number_id"}
            assert value["metadata"]["phone_number_id"].isdigit()
            assert ("messages" in value) != ("statuses" in value)
            if "messages" in value:
                [contact] = value["contacts"]
                assert contact["wa_id"].isdigit()
                assert contact["profile"]["name"]
                for message in value["messages"]:
                    assert message["from"] == contact["wa_id"]
                    assert message["type"] in message
                    assert message["timestamp"].isdigit()
                    assert _decode_wamid(message["id"]) == (message["from"], False)
                    if "context" in message:
                        assert (
                            message["context"]["from"] == value["metadata"]["display_phone_number"]
                        )
                        assert _decode_wamid(message["context"]["id"]) == (message["from"], True)
            for status in value.get("statuses", []):
                assert status["status"] in ("sent", "delivered", "read", "failed")
                assert status["timestamp"].isdigit()
                assert _decode_wamid(status["id"]) == (status["recipient_id"], True)


def test_fixture_contents() -> None:
    def only(name: str) -> dict[str, Any]:
        [message] = messages(load_webhook(name))
        return message

    assert only("text")["text"]["body"].startswith("Selamat siang")
    assert only("interactive_button_reply")["interactive"]["button_reply"]["id"] == "menu:lapor"
    assert set(only("interactive_list_reply")["interactive"]["list_reply"]) == {
        "id",
        "title",
        "description",
    }
    assert only("location")["location"]["latitude"] == pytest.approx(-6.917464)
    image = only("image")["image"]
    assert image["caption"]
    assert image["mime_type"] == "image/jpeg"
    assert image["id"].isdigit()
    assert len(base64.b64decode(image["sha256"])) == 32
    assert only("audio")["audio"]["voice"] is True
    assert only("video")["video"]["mime_type"] == "video/mp4"
    assert only("sticker")["sticker"]["mime_type"] == "image/webp"
    assert only("document")["document"]["filename"].endswith(".pdf")
    assert set(only("button")["button"]) == {"payload", "text"}
    reaction = only("reaction")["reaction"]
    assert reaction["emoji"] == "\U0001f44d"
    assert _decode_wamid(reaction["message_id"]) == (BUDI, True)
    assert [s["status"] for s in statuses(load_webhook("status_sent"))] == ["sent"]
    assert "pricing" not in statuses(load_webhook("status_read"))[0]
    [failed] = statuses(load_webhook("status_failed"))
    [error] = failed["errors"]
    assert error["code"] == 131047
    assert set(error) == {"code", "title", "message", "error_data", "href"}
    assert error["error_data"]["details"]
    multiple = load_webhook("multiple")
    assert len(multiple["entry"]) == 2
    assert len(multiple["entry"][0]["changes"]) == 2
    assert len(messages(multiple)) == 2
    assert len(statuses(multiple)) == 1
    other = load_webhook("other_phone_number")
    assert (
        other["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"]
        != DEFAULT_PHONE_NUMBER_ID
    )


def test_load_webhook_overrides() -> None:
    new = "6289900001111"
    wamid = make_wamid(new, outbound=False)
    payload = load_webhook(
        "image",
        wa_id=new,
        wamid=wamid,
        text="foto baru",
        name_="Andi",
        phone_number_id="42",
        display_phone_number="6200",
        timestamp=1760000000,
    )
    value = payload["entry"][0]["changes"][0]["value"]
    [message] = value["messages"]
    assert (message["from"], message["id"], message["image"]["caption"]) == (
        new,
        wamid,
        "foto baru",
    )
    assert value["contacts"] == [{"profile": {"name": "Andi"}, "wa_id": new}]
    assert value["metadata"] == {"display_phone_number": "6200", "phone_number_id": "42"}
    assert message["timestamp"] == "1760000000"

    status = statuses(load_webhook("status_delivered", wa_id=new, wamid="wamid.S"))[0]
    assert (status["id"], status["recipient_id"]) == ("wamid.S", new)

    reply = messages(load_webhook("interactive_list_reply", reply_id="faq:sim", text="SIM"))[0]
    assert reply["interactive"]["list_reply"]["id"] == "faq:sim"
    assert reply["interactive"]["list_reply"]["title"] == "SIM"
    button = messages(load_webhook("button", reply_id="p", text="t"))[0]
    assert button["button"] == {"payload": "p", "text": "t"}

    multiple = load_webhook("multiple", wa_id=new, phone_number_id="42")
    assert [m["from"] for m in messages(multiple)] == [new, "6285712345678"]
    assert {v["metadata"]["phone_number_id"] for v in changes(multiple)} == {"42"}
    assert load_webhook("text") is not load_webhook("text")
    with pytest.raises(ValueError, match="no message carrying text"):
        load_webhook("location", text="x")
    with pytest.raises(ValueError, match="no button or list reply"):
        load_webhook("text", reply_id="x")
    with pytest.raises(ValueError, match="no WhatsApp webhook fixture"):
        load_webhook("poll")
