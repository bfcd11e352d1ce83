"""The fake WhatsApp Cloud API's interactive (reply buttons, list) and template messages, checked
as Meta checks them."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.fakes.whatsapp_api import FakeGraphApi
from tests.unit.fake_whatsapp_api.graph_requests import (
    BUDI,
    assert_error,
    buttons,
    list_message,
    post,
    rows,
    template,
)

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
