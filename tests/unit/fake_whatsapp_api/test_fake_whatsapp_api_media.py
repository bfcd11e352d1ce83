"""The fake WhatsApp Cloud API's media: files users sent, uploads, image messages by id or link,
and the phone number node."""

from __future__ import annotations

import hashlib

import aiohttp
import pytest

from tests.fakes.whatsapp_api import DISPLAY_PHONE_NUMBER, FakeGraphApi, SentImage
from tests.unit.fake_whatsapp_api.graph_requests import (
    BUDI,
    PHOTO,
    assert_error,
    get,
    image,
    post,
    text,
    upload,
)

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
