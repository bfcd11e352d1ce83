"""WhatsApp channel pieces: webhook parsing and signatures, rendering, and the sender against
the fake Graph API (tests/fakes/whatsapp_api.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels import whatsapp
from bot.channels.whatsapp import WhatsAppChannel, parse_notification, signature_matches
from bot.channels.whatsapp_graph import GraphApi
from bot.channels.whatsapp_sender import Template, WhatsAppSender, render, template_messages
from bot.core.errors import DeliveryError, InvalidInput
from bot.core.types import (
    Button,
    Delivery,
    DeliveryReport,
    Location,
    Media,
    OutboundMessage,
    Receipt,
    Reply,
)
from tests.fakes.images import MemoryImages, png
from tests.fakes.whatsapp_api import DEFAULT_PHONE_NUMBER_ID, FakeGraphApi, sign
from tests.fakes.whatsapp_updates import load_webhook, messages, statuses, webhook_body

NUMBER = DEFAULT_PHONE_NUMBER_ID
CITIZEN = "6281234567890"
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
TEMPLATE = Template("polres_pesan", {"id": "id", "en": "en"})
LABELS = {"id": "Pilih", "en": "Choose"}


def parse(name: str, **overrides: str) -> tuple[list[object], list[object]]:
    found = parse_notification(load_webhook(name, **overrides), NUMBER)  # type: ignore[arg-type]
    return list(found.messages), list(found.reports)


# --- inbound ----------------------------------------------------------------------------------


def test_text_keeps_the_number_wamid_and_profile_name() -> None:
    payload = load_webhook("text", text="cara buat SKCK?")
    [raw] = messages(payload)

    [inbound] = parse_notification(payload, NUMBER).messages

    assert (inbound.channel, inbound.chat_id, inbound.external_id) == (
        "whatsapp",
        raw["from"],
        raw["id"],
    )
    assert inbound.text == "cara buat SKCK?"
    assert (
        inbound.display_name
        == payload["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"]
    )


@pytest.mark.parametrize("name", ["interactive_button_reply", "interactive_list_reply", "button"])
def test_a_tapped_button_or_row_arrives_as_its_payload(name: str) -> None:
    [inbound], _ = parse(name, reply_id="/pilih crime_report")
    assert inbound.text == "/pilih crime_report"  # type: ignore[attr-defined]


def test_location() -> None:
    payload = load_webhook("location")
    [raw] = messages(payload)
    [inbound] = parse_notification(payload, NUMBER).messages
    assert inbound.location == Location(raw["location"]["latitude"], raw["location"]["longitude"])


def test_an_image_is_a_photo_by_media_id_with_its_caption() -> None:
    payload = load_webhook("image", text="motor saya")
    [raw] = messages(payload)
    [inbound] = parse_notification(payload, NUMBER).messages
    assert inbound.media == (Media("photo", raw["image"]["id"]),)
    assert inbound.text == "motor saya"


@pytest.mark.parametrize("kind", ["audio", "video", "sticker", "document"])
def test_other_attachments_are_kept_but_unreadable(kind: str) -> None:
    payload = load_webhook(kind)
    [raw] = messages(payload)
    [inbound] = parse_notification(payload, NUMBER).messages
    assert inbound.media == (Media(kind, raw[kind]["id"]),)


def test_a_reaction_is_not_a_message_to_answer() -> None:
    assert parse("reaction") == ([], [])


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("status_sent", Delivery.SENT),
        ("status_delivered", Delivery.DELIVERED),
        ("status_read", Delivery.READ),
    ],
)
def test_statuses_become_delivery_reports(name: str, status: Delivery) -> None:
    payload = load_webhook(name, wamid="wamid.OUT1")
    [report] = parse_notification(payload, NUMBER).reports
    assert (report.channel, report.external_id, report.status) == ("whatsapp", "wamid.OUT1", status)
    assert not report.resend_as_template


def test_a_failed_re_engagement_status_asks_for_the_template() -> None:
    [report] = parse_notification(load_webhook("status_failed"), NUMBER).reports
    assert report.status is Delivery.FAILED
    assert report.resend_as_template
    assert report.error is not None
    assert report.error.startswith("131047")


def test_one_post_may_carry_several_entries_and_changes() -> None:
    payload = load_webhook("multiple")
    found = parse_notification(payload, NUMBER)
    expected = [m for m in messages(payload) if m["type"] != "reaction"]
    assert [m.external_id for m in found.messages] == [m["id"] for m in expected]
    assert [r.external_id for r in found.reports] == [s["id"] for s in statuses(payload)]


def test_another_phone_numbers_notification_is_skipped() -> None:
    assert parse("other_phone_number") == ([], [])


@pytest.mark.parametrize(
    "payload",
    [[], "x", {"object": "page", "entry": []}, {"entry": []}],
)
def test_a_body_that_is_not_a_whatsapp_notification_is_invalid(payload: object) -> None:
    with pytest.raises(InvalidInput):
        parse_notification(payload, NUMBER)


@pytest.mark.parametrize(
    "entry",
    [
        "x",
        [1, None, "y"],
        [{"changes": "z"}],
        [{"changes": [{"field": "messages", "value": {"metadata": {"phone_number_id": NUMBER},
                                                      "messages": [{"type": "text"}, 5]}}]}],
        [{"changes": [{"field": "messages", "value": {"metadata": {"phone_number_id": NUMBER},
                       "messages": [{"type": ["text"], "from": "62812", "id": "wamid.1"}]}}]}],
        [{"changes": [{"field": "messages", "value": {"metadata": {"phone_number_id": NUMBER},
                       "messages": [{"type": "location", "from": "62812", "id": "wamid.2",
                                     "location": {"latitude": float("nan"), "longitude": 1}}]}}]}],
    ],
)  # fmt: skip
def test_wrong_typed_parts_are_skipped_not_a_crash(entry: object) -> None:
    payload = {"object": "whatsapp_business_account", "entry": entry}
    assert parse_notification(payload, NUMBER).messages == ()


def test_signature_is_the_hmac_of_the_raw_body() -> None:
    body = webhook_body(load_webhook("text"))
    assert signature_matches(body, sign(body, "app-secret"), "app-secret")
    assert not signature_matches(body, sign(body, "other"), "app-secret")
    assert not signature_matches(body + b" ", sign(body, "app-secret"), "app-secret")
    assert not signature_matches(body, None, "app-secret")
    assert not signature_matches(
        body, sign(body, "app-secret").removeprefix("sha256="), "app-secret"
    )


# --- rendering --------------------------------------------------------------------------------


def test_plain_text_is_split_at_4096_characters() -> None:
    parts = render(Reply("kata " * 2000), "Pilih")
    assert len(parts) == 3
    assert all(p["type"] == "text" and len(p["text"]["body"]) <= 4096 for p in parts)


def test_up_to_three_choices_are_reply_buttons() -> None:
    reply = Reply("Kirim laporan?", (Button("Ya", "/ya"), Button("Tidak", "/tidak")))
    [message] = render(reply, "Pilih")
    interactive = message["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"]["text"] == "Kirim laporan?"
    assert [b["reply"] for b in interactive["action"]["buttons"]] == [
        {"id": "/ya", "title": "Ya"},
        {"id": "/tidak", "title": "Tidak"},
    ]


def test_more_choices_are_a_list_with_short_titles() -> None:
    buttons = tuple(Button(f"Pilihan nomor {i} yang sangat panjang", f"/p {i}") for i in range(4))
    [message] = render(Reply("Menu", buttons), "Pilih")
    interactive = message["interactive"]
    assert interactive["type"] == "list"
    assert interactive["action"]["button"] == "Pilih"
    rows = interactive["action"]["sections"][0]["rows"]
    assert [row["id"] for row in rows] == ["/p 0", "/p 1", "/p 2", "/p 3"]
    assert all(len(row["title"]) <= 24 for row in rows)
    assert rows[0]["description"] == "Pilihan nomor 0 yang sangat panjang"


def test_a_long_text_with_buttons_ends_with_a_short_interactive_body() -> None:
    parts = render(Reply("kalimat panjang. " * 150, (Button("Ya", "/ya"),)), "Pilih")
    assert [p["type"] for p in parts] == ["text", "interactive"]
    assert len(parts[-1]["interactive"]["body"]["text"]) <= 1024


def test_a_template_carries_the_text_on_one_line_in_the_citizens_language() -> None:
    message = outbound(text="Laporan PL-1:\n\nsudah   ditangani", language="en")
    [message_object] = template_messages(message, TEMPLATE)
    template = message_object["template"]
    assert template["name"] == "polres_pesan"
    assert template["language"] == {"code": "en"}
    [parameter] = template["components"][0]["parameters"]
    assert parameter == {"type": "text", "text": "Laporan PL-1: sudah ditangani"}


def test_a_long_text_goes_in_as_many_templates_as_it_takes_nothing_cut() -> None:
    text = " ".join(f"kata{n}" for n in range(500))  # 3,389 characters
    parts = template_messages(outbound(text=text), TEMPLATE)
    parameters = [p["template"]["components"][0]["parameters"][0]["text"] for p in parts]
    assert len(parts) == 4
    assert all(len(parameter) <= 1000 for parameter in parameters)
    assert " ".join(parameters) == text


# --- the sender -------------------------------------------------------------------------------


def outbound(
    text: str = "Halo",
    *,
    language: str = "id",
    last_inbound_at: datetime | None = NOW - timedelta(hours=1),
    template_required: bool = False,
    buttons: tuple[Button, ...] = (),
    chat_id: str = CITIZEN,
    image_id: str | None = None,
) -> OutboundMessage:
    return OutboundMessage(
        id=1,
        channel="whatsapp",
        chat_id=chat_id,
        reply=Reply(text, buttons, image_id=image_id),
        created_at=NOW,
        language=language,
        last_inbound_at=last_inbound_at,
        template_required=template_required,
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeGraphApi]:
    async with FakeGraphApi() as fake:
        for language in ("id", "en"):
            fake.add_template("polres_pesan", language, body_params=1)
        yield fake


@pytest.fixture
def images() -> MemoryImages:
    return MemoryImages()


@pytest.fixture
async def sender(api: FakeGraphApi, images: MemoryImages) -> AsyncIterator[WhatsAppSender]:
    graph = GraphApi(api.base_url, api.phone_number_id, api.token)
    await graph.open()
    yield WhatsAppSender(
        graph,
        TEMPLATE,
        images,
        LABELS,
        messages_per_second=80,
        recipient_messages_per_minute=10,
        now=lambda: NOW,
    )
    await graph.close()


async def test_inside_the_window_a_reply_is_free_form(
    api: FakeGraphApi, sender: WhatsAppSender
) -> None:
    receipt = await sender.send(outbound("Halo, ada yang bisa dibantu?"))
    [sent] = api.sent_messages(CITIZEN)
    assert (sent.type, sent.text) == ("text", "Halo, ada yang bisa dibantu?")
    assert receipt == Receipt(external_id=sent.wamid)
    assert api.calls[-1].headers["Authorization"] == f"Bearer {api.token}"


async def test_a_picture_is_uploaded_once_and_sent_with_its_caption(
    api: FakeGraphApi, sender: WhatsAppSender, images: MemoryImages
) -> None:
    picture = png(shade=30)
    image_id = images.add(picture)
    others = [str(int(CITIZEN) + n) for n in range(1, 4)]
    receipt = await sender.send(outbound("Jauhi narkoba", image_id=image_id))
    await asyncio.gather(
        *(sender.send(outbound("Jauhi narkoba", chat_id=c, image_id=image_id)) for c in others)
    )

    [uploaded] = api.uploaded_media()
    assert (uploaded.data, uploaded.mime_type) == (picture, "image/png")
    sent = api.sent_images()
    assert sorted(s.to for s in sent) == sorted([CITIZEN, *others])
    assert {(s.media_id, s.caption) for s in sent} == {(uploaded.id, "Jauhi narkoba")}
    assert receipt == Receipt(external_id=api.sent_images(CITIZEN)[0].wamid)


async def test_a_picture_outside_the_window_goes_as_the_template(
    api: FakeGraphApi, sender: WhatsAppSender, images: MemoryImages
) -> None:
    image_id = images.add(png())
    message = outbound("Jauhi narkoba", last_inbound_at=None, image_id=image_id)
    receipt = await sender.send(message)
    assert receipt.template == TEMPLATE.name
    assert api.sent_images() == []
    assert api.uploaded_media() == []


async def test_buttons_go_out_as_an_interactive_message(
    api: FakeGraphApi, sender: WhatsAppSender
) -> None:
    await sender.send(outbound("Kirim?", buttons=(Button("Ya", "/ya"), Button("Tidak", "/tidak"))))
    [sent] = api.sent_messages(CITIZEN)
    assert sent.type == "interactive"
    assert sent.reply_ids == ["/ya", "/tidak"]


@pytest.mark.parametrize(
    "message",
    [
        outbound(last_inbound_at=NOW - timedelta(hours=25)),
        outbound(last_inbound_at=None),
        outbound(template_required=True),
    ],
)
async def test_outside_the_window_the_template_goes_out(
    api: FakeGraphApi, sender: WhatsAppSender, message: OutboundMessage
) -> None:
    receipt = await sender.send(message)
    [sent] = api.sent_messages(CITIZEN)
    assert sent.type == "template"
    assert receipt == Receipt(external_id=sent.wamid, template="polres_pesan")


async def test_re_engagement_needed_falls_back_to_the_template(
    api: FakeGraphApi, sender: WhatsAppSender
) -> None:
    api.fail_next(131047)
    receipt = await sender.send(outbound())
    assert [m.type for m in api.sent_messages(CITIZEN)] == ["template"]
    assert receipt.template == "polres_pesan"


@pytest.mark.parametrize(
    ("code", "http_status", "retryable", "unreachable", "retry_after"),
    [
        (130429, None, True, False, 1.0),
        (131056, None, True, False, 6.0),
        (131000, None, True, False, None),
        (1, 500, True, False, None),
        (131026, None, False, True, None),
        (100, None, False, False, None),
        (190, None, False, False, None),
    ],
)
async def test_graph_errors_become_delivery_errors(
    api: FakeGraphApi,
    sender: WhatsAppSender,
    code: int,
    http_status: int | None,
    retryable: bool,
    unreachable: bool,
    retry_after: float | None,
) -> None:
    api.fail_next(code, http_status=http_status)
    with pytest.raises(DeliveryError) as raised:
        await sender.send(outbound())
    error = raised.value
    assert (error.retryable, error.unreachable, error.retry_after) == (
        retryable,
        unreachable,
        retry_after,
    )
    assert CITIZEN not in str(error)  # phone numbers never reach the logs


@pytest.mark.parametrize(
    ("code", "http_status"), [(131056, None), (1, 500)], ids=["pair-rate", "server-error"]
)
async def test_a_send_failing_part_way_is_retried_from_the_part_not_sent(
    api: FakeGraphApi, sender: WhatsAppSender, code: int, http_status: int | None
) -> None:
    # A long answer with buttons goes as its text, then a short interactive message.
    message = outbound("kata " * 300, buttons=(Button("Ya", "/ya"), Button("Tidak", "/tidak")))
    api.fail_next(code, http_status=http_status, after=1)
    with pytest.raises(DeliveryError) as raised:
        await sender.send(message)
    assert (raised.value.retryable, raised.value.parts_sent) == (True, 1)

    receipt = await sender.send(replace(message, parts_sent=raised.value.parts_sent))

    sent = api.sent_messages(CITIZEN)
    assert [m.type for m in sent] == ["text", "interactive"]  # the text once
    assert receipt == Receipt(external_id=sent[-1].wamid)


async def test_a_dropped_connection_is_retried(api: FakeGraphApi, sender: WhatsAppSender) -> None:
    api.reset_connection_next()
    with pytest.raises(DeliveryError) as raised:
        await sender.send(outbound())
    assert raised.value.retryable


async def test_the_throughput_limit_pauses_every_send(
    api: FakeGraphApi, sender: WhatsAppSender
) -> None:
    clock = [100.0]
    sender.clock = lambda: clock[0]
    api.fail_next(130429)
    with pytest.raises(DeliveryError):
        await sender.send(outbound())
    assert not sender.try_reserve(outbound(chat_id="6289999999999"))
    clock[0] += 1.01
    assert sender.try_reserve(outbound(chat_id="6289999999999"))


async def test_reservations_keep_the_number_and_pair_rates(sender: WhatsAppSender) -> None:
    clock = [0.0]
    sender.clock = lambda: clock[0]
    for _ in range(10):  # 10 a minute to one citizen, counted once answered
        assert sender.try_reserve(outbound())
        await sender.send(outbound())
    assert not sender.try_reserve(outbound())
    assert sender.try_reserve(outbound(chat_id="6289999999999"))
    clock[0] = 61.0
    assert sender.try_reserve(outbound())
    others = [outbound(chat_id=f"62811{i:07d}") for i in range(100)]
    assert sum(sender.try_reserve(m) for m in others) == 78  # 80 in flight or a second old


async def test_media_is_downloaded_through_its_url(api: FakeGraphApi) -> None:
    api.add_media("1577011", b"\xff\xd8\xff photo", "image/jpeg")
    graph = GraphApi(api.base_url, api.phone_number_id, api.token)
    await graph.open()
    try:
        assert await graph.download("1577011") == b"\xff\xd8\xff photo"
        with pytest.raises(DeliveryError):
            await graph.download("404404")
    finally:
        await graph.close()


# --- statuses that overtake the send they are about --------------------------------------------


class LateOutbox:
    """Matches the wamid from try number `known_from` on (the send was being recorded)."""

    def __init__(self, known_from: int) -> None:
        self.known_from = known_from
        self.tries = 0

    async def record_deliveries(self, reports: Sequence[DeliveryReport]) -> list[DeliveryReport]:
        self.tries += 1
        return [] if self.tries >= self.known_from else list(reports)


def channel_with(outbox: LateOutbox) -> WhatsAppChannel:
    return WhatsAppChannel(
        token="t",
        phone_number_id=NUMBER,
        app_secret="s",
        verify_token="v",
        api_base_url="http://127.0.0.1:9",
        reception=None,  # type: ignore[arg-type]
        outbox=outbox,  # type: ignore[arg-type]
        on_accepted=lambda accepted: None,
    )


@pytest.mark.parametrize(("known_from", "tries"), [(2, 2), (99, 3)])
async def test_a_status_that_overtook_its_send_is_tried_again_a_few_times(
    monkeypatch: pytest.MonkeyPatch, known_from: int, tries: int
) -> None:
    monkeypatch.setattr(whatsapp, "REPORT_RETRY_SECONDS", (0.0, 0.0, 0.0))
    outbox = LateOutbox(known_from)
    await channel_with(outbox)._record_later([DeliveryReport("whatsapp", "w", Delivery.READ)])
    assert outbox.tries == tries
