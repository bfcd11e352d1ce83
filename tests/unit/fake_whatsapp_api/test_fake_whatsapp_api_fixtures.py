"""Webhook signatures and the WhatsApp webhook fixtures (tests/data/whatsapp): Meta's shape and
load_webhook's overrides."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

import pytest

from tests.fakes.whatsapp_api import DEFAULT_PHONE_NUMBER_ID, make_wamid, sign
from tests.fakes.whatsapp_updates import (
    WEBHOOK_NAMES,
    changes,
    load_webhook,
    messages,
    statuses,
    webhook_body,
)
from tests.unit.fake_whatsapp_api.graph_requests import BUDI

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
