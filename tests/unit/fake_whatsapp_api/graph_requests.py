"""What the fake WhatsApp Cloud API's tests send, and how they read its answers: a recipient
and a photo, the Graph API calls (`post`, `get`, `upload`), request bodies of each message type,
and `assert_error` for Graph error answers."""

from __future__ import annotations

import io
import re
from typing import Any

import aiohttp

from tests.fakes.whatsapp_api import FakeGraphApi

BUDI = "6281234567890"
PHOTO = b"\xff\xd8\xff\xe0 peringatan banjir"
Answer = tuple[int, dict[str, Any]]


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
