"""TelegramSender.send against the fake Bot API: what arrives, and how failures are classified."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from telegram import Bot

from bot.channels.telegram import MAX_TEXT, TelegramSender
from bot.channels.telegram_http import AiohttpRequest
from bot.core.errors import DeliveryError
from bot.core.types import Button, OutboundMessage, Reply
from tests.fakes.images import MemoryImages, png
from tests.fakes.telegram_api import FakeTelegramApi

CHAT = 5831104529  # a private chat
OTHER_CHAT = 5831104530
BUTTONS = (Button("Lapor", "/lapor"), Button("Cek status", "/status"))
KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Lapor", "callback_data": "/lapor"}],
        [{"text": "Cek status", "callback_data": "/status"}],
    ]
}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeTelegramApi) -> AsyncIterator[Bot]:
    # The request backend `polres serve` uses; initialize / shutdown around the test.
    async with Bot(api.token, base_url=api.base_url, request=AiohttpRequest()) as ptb_bot:
        yield ptb_bot


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def images() -> MemoryImages:
    return MemoryImages()


@pytest.fixture
def sender(bot: Bot, clock: Clock, images: MemoryImages) -> TelegramSender:
    return make_sender(bot, clock, images)


def make_sender(bot: Bot, clock: Clock, images: MemoryImages | None = None) -> TelegramSender:
    return TelegramSender(
        bot,
        images or MemoryImages(),
        messages_per_second=30,
        chat_messages_per_second=1,
        group_messages_per_minute=20,
        clock=clock,
    )


def outbound(
    text: str,
    buttons: tuple[Button, ...] = (),
    chat_id: int | str = CHAT,
    image_id: str | None = None,
) -> OutboundMessage:
    reply = Reply(text, buttons, image_id=image_id)
    return OutboundMessage(1, "telegram", str(chat_id), reply, datetime(2026, 1, 1, tzinfo=UTC))


async def delivery_error(sender: TelegramSender, message: OutboundMessage) -> DeliveryError:
    with pytest.raises(DeliveryError) as caught:
        await sender.send(message)
    return caught.value


# -- what arrives -------------------------------------------------------------------------------


async def test_a_message_arrives_as_html_with_an_inline_keyboard(
    api: FakeTelegramApi, sender: TelegramSender
) -> None:
    await sender.send(outbound("Selamat datang di Polres.", BUTTONS))

    [sent] = api.sent_messages(CHAT)
    assert sent.parse_mode == "HTML"
    assert sent.plain_text == "Selamat datang di Polres."
    assert sent.reply_markup == KEYBOARD
    assert sent.message["reply_markup"] == KEYBOARD
    assert sent.callback_data == ["/lapor", "/status"]


async def test_a_picture_is_uploaded_once_then_sent_by_its_file_id(
    api: FakeTelegramApi, sender: TelegramSender, images: MemoryImages, clock: Clock
) -> None:
    picture = png(shade=90)
    image_id = images.add(picture)
    chats = [CHAT + n for n in range(4)]
    await asyncio.gather(
        *(
            sender.send(outbound("Awas <penipuan> & hoaks", chat_id=c, image_id=image_id))
            for c in chats
        )
    )

    photos = api.sent_photos()
    assert sorted(p.chat_id for p in photos) == chats
    assert [p.uploaded for p in photos].count(True) == 1
    [upload] = [p for p in photos if p.uploaded]
    assert upload.sha256 == hashlib.sha256(picture).hexdigest()
    assert {p.file_id for p in photos if not p.uploaded} == {upload.file_id}
    assert {(p.plain_caption, p.parse_mode) for p in photos} == {
        ("Awas <penipuan> & hoaks", "HTML")
    }
    assert api.sent_messages() == []
    assert images.loads == 1


async def test_a_picture_that_is_gone_is_not_retried(
    api: FakeTelegramApi, sender: TelegramSender
) -> None:
    error = await delivery_error(sender, outbound("halo", image_id="0" * 64))
    assert (error.retryable, error.unreachable) == (False, False)
    assert api.sent_photos() == []


async def test_a_message_without_buttons_has_no_keyboard(
    api: FakeTelegramApi, sender: TelegramSender
) -> None:
    await sender.send(outbound("halo"))

    [sent] = api.sent_messages(CHAT)
    assert sent.reply_markup is None
    assert "reply_markup" not in sent.message


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "Nomor <b>tiket</b> & status: PL-7K3M-Q9XD > 0",
        "&lt; stays literal &amp;",
    ],
)
async def test_reply_text_is_escaped_and_arrives_as_plain_text(
    api: FakeTelegramApi, sender: TelegramSender, text: str
) -> None:
    await sender.send(outbound(text))

    [sent] = api.sent_messages(CHAT)
    assert sent.parse_mode == "HTML"
    assert sent.plain_text == text
    assert "entities" not in sent.message  # no markup was interpreted
    assert "<" not in sent.text  # the text parameter itself carries no tags


@pytest.mark.parametrize(
    "text",
    [
        "kata " * 1000,  # 5000 characters, cut at spaces
        "x" * 5000,  # no spaces: cut hard
        "<&>" * 1700,  # 5100 characters that escaping makes 4-5 times longer
    ],
    ids=["words", "one-word", "escaped"],
)
async def test_a_long_text_arrives_in_parts_with_the_keyboard_on_the_last(
    api: FakeTelegramApi, sender: TelegramSender, text: str
) -> None:
    await sender.send(outbound(text, BUTTONS))

    sent = api.sent_messages(CHAT)
    assert len(sent) >= 2
    assert all(len(m.plain_text) <= MAX_TEXT for m in sent)
    assert all(m.parse_mode == "HTML" for m in sent)
    assert [m.reply_markup for m in sent] == [None] * (len(sent) - 1) + [KEYBOARD]
    separator = " " if " " in text else ""
    assert separator.join(m.plain_text for m in sent) == text.strip()


# -- failures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 502])
async def test_a_send_failing_part_way_is_retried_from_the_part_not_sent(
    api: FakeTelegramApi, sender: TelegramSender, status: int
) -> None:
    message = outbound("kata " * 1000, BUTTONS)  # 5000 characters: two parts
    api.fail_next("sendMessage", status, retry_after=1, after=1)
    error = await delivery_error(sender, message)
    assert (error.retryable, error.parts_sent) == (True, 1)

    await sender.send(replace(message, parts_sent=error.parts_sent))

    sent = api.sent_messages(CHAT)
    assert len(sent) == 2  # the first part once
    assert [m.reply_markup for m in sent] == [None, KEYBOARD]
    assert " ".join(m.plain_text for m in sent) == message.reply.text.strip()


async def test_429_is_retryable_after_retry_after_and_pauses_every_send(
    api: FakeTelegramApi, sender: TelegramSender, clock: Clock
) -> None:
    message = outbound("halo")
    assert sender.try_reserve(message)
    api.fail_next("sendMessage", 429, retry_after=3)

    error = await delivery_error(sender, message)

    assert error.retryable
    assert not error.unreachable
    assert error.retry_after == pytest.approx(3.0)
    assert api.sent_messages() == []
    # Telegram's flood control covers the bot: no chat may send until 3 s have passed.
    other = outbound("lain", chat_id=OTHER_CHAT)
    assert not sender.try_reserve(other)
    clock.now += 2.9
    assert not sender.try_reserve(message)
    assert not sender.try_reserve(other)
    clock.now = 103.0
    assert sender.try_reserve(message)
    assert sender.try_reserve(other)
    await sender.send(message)
    assert [m.plain_text for m in api.sent_messages(CHAT)] == ["halo"]


@pytest.mark.parametrize("status", [500, 502])
async def test_a_server_error_is_retryable(
    api: FakeTelegramApi, sender: TelegramSender, status: int
) -> None:
    api.fail_next("sendMessage", status)

    error = await delivery_error(sender, outbound("halo"))

    assert error.retryable
    assert not error.unreachable
    assert error.retry_after is None
    assert api.sent_messages() == []


async def test_a_server_error_does_not_pause_other_sends(
    api: FakeTelegramApi, sender: TelegramSender
) -> None:
    api.fail_next("sendMessage", 500)
    await delivery_error(sender, outbound("halo"))

    assert sender.try_reserve(outbound("lain", chat_id=OTHER_CHAT))


async def test_a_blocked_chat_is_unreachable_and_not_retried(
    api: FakeTelegramApi, sender: TelegramSender
) -> None:
    api.block_chat(CHAT)

    error = await delivery_error(sender, outbound("halo", BUTTONS))

    assert error.unreachable
    assert not error.retryable
    assert "blocked" in str(error)
    assert api.sent_messages() == []


async def test_a_timed_out_send_is_not_retried_because_it_may_have_arrived(
    api: FakeTelegramApi, clock: Clock
) -> None:
    request = AiohttpRequest(read_timeout=0.5)
    async with Bot(api.token, base_url=api.base_url, request=request) as slow_bot:
        sender = make_sender(slow_bot, clock)
        api.delay_next("sendMessage", 1.5)

        error = await delivery_error(sender, outbound("lambat"))

        assert not error.retryable
        assert not error.unreachable
        assert "not retried" in str(error)
        # As on Telegram, the request was carried out after all: a retry would duplicate it.
        sent = await api.wait_for_messages(1, chat_id=CHAT, within=5.0)
        assert [m.plain_text for m in sent] == ["lambat"]


async def test_a_rejected_button_payload_is_not_retried(
    api: FakeTelegramApi, sender: TelegramSender
) -> None:
    too_long = "/lapor " + "x" * 64  # callback_data is at most 64 bytes

    error = await delivery_error(sender, outbound("halo", (Button("Lapor", too_long),)))

    assert not error.retryable
    assert not error.unreachable
    assert "rejected" in str(error)
    assert "button_data_invalid" in str(error).lower()  # PTB rewrites the description's case
    assert api.sent_messages() == []


async def test_a_bad_request_answer_is_not_retried(
    api: FakeTelegramApi, sender: TelegramSender
) -> None:
    api.fail_next("sendMessage", 400, description="Bad Request: chat not found")

    error = await delivery_error(sender, outbound("halo"))

    assert not error.retryable
    assert not error.unreachable
    assert "chat not found" in str(error).lower()


@pytest.mark.parametrize("chat_id", ["", "not-a-chat"])
async def test_a_message_with_an_unusable_chat_id_is_a_delivery_error(
    api: FakeTelegramApi, sender: TelegramSender, chat_id: str
) -> None:
    # The Sender contract (bot.core.ports.Sender.send) is "raises DeliveryError on failure";
    # any other exception escapes OutboxWorker._send, so the row is never marked failed and is
    # picked up again on every poll.
    error = await delivery_error(sender, outbound("halo", chat_id=chat_id))

    assert not error.retryable
    assert api.sent_messages() == []


async def test_an_unreachable_api_is_a_retryable_network_error(clock: Clock) -> None:
    gone = FakeTelegramApi()
    await gone.__aenter__()
    async with Bot(gone.token, base_url=gone.base_url, request=AiohttpRequest()) as ptb_bot:
        await gone.__aexit__(None, None, None)  # the Bot API goes away after start-up

        error = await delivery_error(make_sender(ptb_bot, clock), outbound("halo"))

    assert error.retryable
    assert not error.unreachable
