"""WhatsApp through a real `polres serve` against the fake Graph API (tests/fakes/whatsapp_api)."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from collections.abc import AsyncIterator
from itertools import count
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.core.tickets import find_ticket_code
from tests.e2e.conftest import Server, officer_session, run_polres, serving, ticket_action
from tests.fakes.images import png
from tests.fakes.whatsapp_api import FakeGraphApi, SentMessage, sign
from tests.fakes.whatsapp_updates import load_webhook, webhook_body

pytestmark = pytest.mark.rasa
APP_SECRET = "e2e-meta-app-secret"
VERIFY_TOKEN = "e2e-verify-token"
TEMPLATE = "polres_pesan"
numbers = count(6281300000001)
wamids = count(1)


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[FakeGraphApi]:
    async with FakeGraphApi() as fake:
        for language in ("id", "en"):
            fake.add_template(TEMPLATE, language, body_params=1)
        yield fake


@pytest.fixture(scope="module")
async def server(
    api: FakeGraphApi, rasa_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    env = {
        "RASA_URL": rasa_url,
        "WHATSAPP_TOKEN": api.token,
        "WHATSAPP_PHONE_NUMBER_ID": api.phone_number_id,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_API_BASE_URL": api.base_url,
    }
    async with serving(tmp_path_factory.mktemp("whatsapp"), **env) as running:
        yield running


def citizen() -> str:
    return str(next(numbers))


def webhook(
    name: str, number: str, *, text: str | None = None, reply_id: str | None = None
) -> dict[str, Any]:
    return load_webhook(
        name, wa_id=number, wamid=f"wamid.E2E{next(wamids):08d}", text=text, reply_id=reply_id
    )


async def post(
    server: Server, payload: Any, *, secret: str = APP_SECRET, raw: bytes | None = None
) -> int:
    body = raw if raw is not None else webhook_body(payload)
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, secret)}
    url = f"{server.url}/webhook/whatsapp"
    data = io.BytesIO(body)  # aiohttp warns about large raw bytes
    async with aiohttp.ClientSession() as http, http.post(url, data=data, headers=headers) as r:
        return r.status


async def converse(server: Server, api: FakeGraphApi, number: str, payload: Any) -> SentMessage:
    """Post one notification and return the bot's next message to that number."""
    before = len(api.sent_messages(number))
    assert await post(server, payload) == 200
    return (await api.wait_for_messages(before + 1, to=number, within=20))[before]


def database(server: Server) -> Path:
    return Path(server.env["DATABASE_URL"].removeprefix("sqlite:///"))


def query(server: Server, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database(server)) as db:
        return db.execute(sql, args).fetchall()


async def delivery_status(server: Server, wamid: str, *, becomes: str) -> str | None:
    """The status of the outbound message with this wamid, once it is `becomes` (or after 10 s)."""
    sql = "SELECT delivery_status FROM messages WHERE external_id = ?"
    for _ in range(100):
        rows = query(server, sql, wamid)
        if rows == [(becomes,)]:
            break
        await asyncio.sleep(0.1)
    return rows[0][0] if rows else None


# --- the webhook --------------------------------------------------------------------------------


async def test_the_verification_handshake(server: Server) -> None:
    url = f"{server.url}/webhook/whatsapp"
    good = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    async with aiohttp.ClientSession() as http:
        async with http.get(url, params=good) as response:
            assert response.status == 200
            assert response.content_type == "text/plain"
            assert await response.text() == "1158201444"
        for bad in ({**good, "hub.verify_token": "wrong"}, {**good, "hub.mode": "x"}, {}):
            async with http.get(url, params=bad) as response:
                assert response.status == 403


async def test_bad_signatures_and_bodies_are_refused_and_nothing_is_stored(
    server: Server, api: FakeGraphApi
) -> None:
    number = citizen()
    payload = webhook("text", number, text="halo")
    assert await post(server, payload, secret="not-the-app-secret") == 403
    body = webhook_body(payload)
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{server.url}/webhook/whatsapp", data=body) as unsigned,
    ):
        assert unsigned.status == 403
    assert await post(server, None, raw=b"{not json") == 400
    assert await post(server, None, raw=b'{"object": "page", "entry": []}') == 400
    assert await post(server, None, raw=b"[" * 100_000 + b"]" * 100_000) in (400, 413)
    assert await post(server, None, raw=b'{"x": "' + b"a" * 1_100_000 + b'"}') == 413
    await asyncio.sleep(2)
    assert api.sent_messages(number) == []
    assert query(server, "SELECT count(*) FROM citizens WHERE chat_id = ?", number) == [(0,)]


async def test_another_phone_numbers_messages_are_ignored_with_200(
    server: Server, api: FakeGraphApi
) -> None:
    number = citizen()
    assert await post(server, webhook("other_phone_number", number)) == 200
    await asyncio.sleep(2)
    assert api.sent_messages(number) == []


# --- conversations ------------------------------------------------------------------------------


async def test_faq_question_gets_its_answer_with_buttons_and_is_marked_read(
    server: Server, api: FakeGraphApi
) -> None:
    number = citizen()
    payload = webhook("text", number, text="syarat bikin skck apa aja min")
    answer = await converse(server, api, number, payload)
    assert "SKCK" in answer.text
    assert answer.type == "interactive"
    assert "/petugas" in answer.reply_ids
    wamid = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert wamid in api.read_receipts()


async def test_crime_report_with_buttons_location_and_photo_opens_a_ticket(
    server: Server, api: FakeGraphApi
) -> None:
    number = citizen()
    what = "motor saya dicuri semalam di depan rumah"
    assert (
        "Di mana" in (await converse(server, api, number, webhook("text", number, text=what))).text
    )
    ask_hour = await converse(server, api, number, webhook("location", number))
    assert "jam berapa kejadiannya, semalam?" in ask_hour.text
    ask_photo = await converse(server, api, number, webhook("text", number, text="jam 1"))
    assert ask_photo.reply_ids == ["/lewati"]
    image = webhook("image", number, text="")
    media_id = image["entry"][0]["changes"][0]["value"]["messages"][0]["image"]["id"]
    jpeg = b"\xff\xd8\xff\xe0JFIF-foto-motor"
    api.add_media(media_id, jpeg)
    assert "Foto diterima" in (await converse(server, api, number, image)).text
    voice = await converse(server, api, number, webhook("audio", number))
    assert "ketik" in voice.text  # a voice note cannot be read: please type
    ask_anonymous = await converse(
        server, api, number, webhook("interactive_button_reply", number, reply_id="/lewati")
    )
    assert ask_anonymous.reply_ids == ["/ya", "/tidak"]
    summary = await converse(
        server, api, number, webhook("interactive_button_reply", number, reply_id="/tidak")
    )
    assert "Foto: 1" in summary.text
    created = await converse(
        server, api, number, webhook("interactive_list_reply", number, reply_id="/kirim")
    )
    code = find_ticket_code(created.text)
    assert code is not None

    async with officer_session(server, "wulan") as officer:
        async with officer.get(f"/dashboard/tickets/{code}") as page:
            html = await page.text()
        assert f"+{number}" in html  # the reporter gave their identity: the number is shown
        assert f'src="/dashboard/media/whatsapp/{media_id}"' in html
        async with officer.get(f"/dashboard/media/whatsapp/{media_id}") as photo:
            assert photo.status == 200
            assert photo.content_type == "image/jpeg"
            assert await photo.read() == jpeg


async def test_an_anonymous_report_does_not_show_the_number(
    server: Server, api: FakeGraphApi
) -> None:
    number = citizen()
    steps = [
        webhook("text", number, text="hp saya dicuri orang di angkot tadi pagi"),
        webhook("text", number, text="angkot jurusan pasar lama"),
        webhook("text", number, text="tadi pagi jam 7"),
        webhook("interactive_button_reply", number, reply_id="/lewati"),
        webhook("interactive_button_reply", number, reply_id="/ya"),
        webhook("interactive_button_reply", number, reply_id="/kirim"),
    ]
    for payload in steps:
        last = await converse(server, api, number, payload)
    code = find_ticket_code(last.text)
    assert code is not None
    async with (
        officer_session(server, "sari") as officer,
        officer.get(f"/dashboard/tickets/{code}") as page,
    ):
        html = await page.text()
    assert "anonim" in html
    assert number not in html


async def test_urgent_report_gets_110_and_112_first(server: Server, api: FakeGraphApi) -> None:
    number = citizen()
    payload = webhook("text", number, text="TOLONG ada rampok bawa golok di rumah saya sekarang")
    reply = await converse(server, api, number, payload)
    assert "110" in reply.text
    assert "112" in reply.text


async def test_a_redelivered_message_gets_one_reply(server: Server, api: FakeGraphApi) -> None:
    number = citizen()
    payload = webhook("text", number, text="pelayanan satlantas kemarin cepat, terima kasih")
    assert await post(server, payload) == 200
    assert await post(server, payload) == 200
    await api.wait_for_messages(1, to=number, within=20)
    await asyncio.sleep(2)
    assert len(api.sent_messages(number)) == 1


async def test_a_130429_storm_delivers_each_reply_once(server: Server, api: FakeGraphApi) -> None:
    api.fail_next(130429, times=4)
    numbers_ = [citizen() for _ in range(3)]
    for number in numbers_:
        assert await post(server, webhook("text", number, text="halo min")) == 200
    for number in numbers_:
        await api.wait_for_messages(1, to=number, within=40)
    await asyncio.sleep(1.5)
    for number in numbers_:
        assert len(api.sent_messages(number)) == 1
    refused = [c for c in api.calls if c.status == 400 and c.json.get("to") in numbers_]
    assert len(refused) == 4


# --- officers, the 24-hour window and statuses ------------------------------------------------


async def test_an_officer_reply_after_25_hours_goes_out_as_the_template(
    server: Server, api: FakeGraphApi
) -> None:
    number = citizen()
    first = await converse(
        server, api, number, webhook("text", number, text="tolong ada begal di jalan raya sekarang")
    )
    code = find_ticket_code(first.text)
    assert code is not None
    query(  # the citizen last wrote 25 hours ago
        server,
        "UPDATE messages SET created_at = datetime(created_at, '-25 hours') "
        "WHERE direction = 'in' AND citizen_id = (SELECT id FROM citizens WHERE chat_id = ?)",
        number,
    )
    async with officer_session(server, "bayu") as officer:
        before = len(api.sent_messages(number))
        await ticket_action(officer, code, "claim")
        await ticket_action(officer, code, "reply", text="Laporan Anda\nsudah kami tindak lanjuti")
        sent = await api.wait_for_messages(before + 2, to=number, within=20)
        reply = sent[before + 1]
        assert reply.type == "template"
        template = reply.payload["template"]
        assert (template["name"], template["language"]["code"]) == (TEMPLATE, "id")
        [parameter] = template["components"][0]["parameters"]
        assert parameter["text"] == "👮 Petugas: Laporan Anda sudah kami tindak lanjuti"
        assert await delivery_status(server, reply.wamid, becomes="sent") == "sent"
        async with officer.get(f"/dashboard/tickets/{code}") as page:
            assert f"via templat {TEMPLATE}" in await page.text()


async def test_statuses_show_the_officer_how_far_a_reply_got(
    server: Server, api: FakeGraphApi
) -> None:
    number = citizen()
    # A short answer, one message (a long one's last part carries the wamid the outbox keeps).
    question = webhook("text", number, text="berapa biaya sim?")
    answer = await converse(server, api, number, question)
    # The outbox records the wamid just after the fake answers.
    assert await delivery_status(server, answer.wamid, becomes="sent") == "sent"
    for status in ("status_read", "status_delivered"):  # out of order, as WhatsApp may
        assert await post(server, load_webhook(status, wa_id=number, wamid=answer.wamid)) == 200
    assert await delivery_status(server, answer.wamid, becomes="read") == "read"


async def test_a_re_engagement_failure_is_sent_again_as_the_template(
    server: Server, api: FakeGraphApi
) -> None:
    number = citizen()
    answer = await converse(server, api, number, webhook("text", number, text="halo"))
    assert await delivery_status(server, answer.wamid, becomes="sent") == "sent"
    failed = load_webhook("status_failed", wa_id=number, wamid=answer.wamid)
    assert await post(server, failed) == 200
    [_, again] = await api.wait_for_messages(2, to=number, within=20)
    assert again.type == "template"


async def test_phone_numbers_and_message_text_stay_out_of_the_log(
    server: Server, api: FakeGraphApi
) -> None:
    number = citizen()
    await converse(server, api, number, webhook("text", number, text="rahasia pribadi saya"))
    log = (database(server).parent / "serve.log").read_text()
    assert number not in log
    assert "rahasia pribadi" not in log
    assert api.token not in log


async def test_a_broadcast_reaches_only_subscribers_as_the_template_after_24_hours(
    server: Server, api: FakeGraphApi
) -> None:
    recent, away, never = citizen(), citizen(), citizen()
    for number in (recent, away):
        reply = await converse(server, api, number, webhook("text", number, text="/langganan info"))
        assert "berlangganan" in reply.text
    await converse(server, api, never, webhook("text", never, text="halo"))
    query(  # `away` last wrote 25 hours ago
        server,
        "UPDATE messages SET created_at = datetime(created_at, '-25 hours') "
        "WHERE direction = 'in' AND citizen_id = (SELECT id FROM citizens WHERE chat_id = ?)",
        away,
    )
    before = {number: len(api.sent_messages(number)) for number in (recent, away, never)}
    done = await asyncio.to_thread(
        run_polres, "broadcast", "send", "--topic", "info", "--text", "Pelayanan SIM libur besok.",
        env=server.env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "sent 2" in done.stdout
    [plain] = (await api.wait_for_messages(before[recent] + 1, to=recent, within=20))[
        before[recent] :
    ]
    assert plain.text == "Pelayanan SIM libur besok."
    [template] = (await api.wait_for_messages(before[away] + 1, to=away, within=20))[before[away] :]
    assert template.type == "template"
    assert template.payload["template"]["name"] == TEMPLATE
    assert len(api.sent_messages(never)) == before[never]


async def test_a_broadcast_with_a_picture_arrives_as_an_image_with_its_caption(
    server: Server, api: FakeGraphApi, tmp_path: Path
) -> None:
    number = citizen()
    await converse(server, api, number, webhook("text", number, text="/langganan lalu_lintas"))
    poster = tmp_path / "helm.png"
    poster.write_bytes(png(width=32, height=32, shade=77))
    done = await asyncio.to_thread(
        run_polres, "broadcast", "send", "--topic", "lalu_lintas", "--image", str(poster),
        "--text", "Pakai helm, patuhi rambu.", env=server.env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "sent 1" in done.stdout
    [image] = api.sent_images(number)
    assert image.caption == "Pakai helm, patuhi rambu."
    assert image.media_id is not None
    assert api.media(image.media_id).data == poster.read_bytes()
