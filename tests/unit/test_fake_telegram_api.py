"""The fake Telegram Bot API speaks the wire format python-telegram-bot 22 expects.

Driven by PTB itself (telegram.Bot pointed at the fake), so a mismatch in request encoding,
answer shape or error mapping shows up here and not in the Telegram channel's tests.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import hashlib
import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from tests.fakes.telegram_api import BOT_ID, FakeTelegramApi
from tests.fakes.telegram_updates import UPDATE_NAMES, load_update, update_message

CHAT = 5831104529  # Budi's private chat in the fixtures
GROUP = -1001876543210  # the supergroup in the fixtures

EXPECTED_FIXTURES = {
    "private_text",
    "private_start_command",
    "private_location",
    "private_photo",
    "private_voice",
    "private_contact",
    "callback_query",
    "edited_message",
    "group_mention",
    "group_reply_to_bot",
    "group_plain",
    "channel_post",
}


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeTelegramApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url) as ptb_bot:
        yield ptb_bot


@pytest.fixture
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns (an error here) when time periods are read as ints; opt in to timedelta."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def png(width: int, height: int) -> bytes:
    """The start of a PNG: signature and IHDR chunk (all the fake reads)."""
    header = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + header
        + struct.pack(">I", zlib.crc32(header))
    )


def jpeg(width: int, height: int) -> bytes:
    """The start of a JPEG: SOI, a JFIF APP0 segment and a baseline start-of-frame."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01" + bytes(7)
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + bytes(9)
    return b"\xff\xd8" + app0 + frame


def keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Lapor", callback_data="menu:lapor"),
                InlineKeyboardButton("Cek status", callback_data="menu:status"),
            ],
            [InlineKeyboardButton("Situs Polres", url="https://polres.example.go.id")],
        ]
    )


# -- getMe ------------------------------------------------------------------------------------


async def test_get_me_is_the_polres_bot(api: FakeTelegramApi) -> None:
    assert api.base_url == f"http://127.0.0.1:{api.port}/bot"
    assert api.started_at is not None
    async with Bot(api.token, base_url=api.base_url) as bot:  # initialize() calls getMe
        me = await bot.get_me()
    assert me.id == BOT_ID == bot.id
    assert me.is_bot
    assert me.first_name == "Polres Bot"
    assert me.username == "PolresTestBot"
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False
    assert [c.method for c in api.calls] == ["getMe", "getMe"]
    assert all(c.status == 200 and c.at >= api.started_at for c in api.calls)


async def test_wrong_token_is_unauthorized(api: FakeTelegramApi) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("123456:wrong-token", base_url=api.base_url):
            pass
    assert (api.calls[-1].method, api.calls[-1].status) == ("getMe", 401)


async def test_unknown_method_is_not_found(api: FakeTelegramApi, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendPigeon", api_kwargs={"chat_id": CHAT})
    assert (api.calls[-1].method, api.calls[-1].status) == ("sendPigeon", 404)


async def test_a_stubbed_method_answers(api: FakeTelegramApi, bot: Bot) -> None:
    api.stub("setMyCommands", True)
    assert await bot.set_my_commands([("start", "Mulai"), ("lapor", "Buat laporan")])
    commands = api.calls_to("setMyCommands")[0].params["commands"]
    assert commands == [
        {"command": "start", "description": "Mulai"},
        {"command": "lapor", "description": "Buat laporan"},
    ]


# -- sendMessage ------------------------------------------------------------------------------


async def test_send_message_with_keyboard_and_html(api: FakeTelegramApi, bot: Bot) -> None:
    sent = await bot.send_message(
        CHAT,
        "<b>Laporan diterima</b>\nKode: <code>PL-7K3M-Q9XD</code> &amp; terima kasih",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(),
    )
    assert sent.chat.id == CHAT
    assert sent.chat.type == "private"
    assert sent.from_user is not None
    assert sent.from_user.id == BOT_ID
    assert sent.text == "Laporan diterima\nKode: PL-7K3M-Q9XD & terima kasih"
    assert [(e.type, sent.parse_entity(e)) for e in sent.entities] == [
        (MessageEntity.BOLD, "Laporan diterima"),
        (MessageEntity.CODE, "PL-7K3M-Q9XD"),
    ]
    assert sent.reply_markup == keyboard()
    assert abs(sent.date.timestamp() - dtm.datetime.now(dtm.UTC).timestamp()) < 5

    call = api.calls_to("sendMessage")[0]
    assert call.content_type == "application/x-www-form-urlencoded"  # PTB's HTTPXRequest
    assert call.params["chat_id"] == CHAT  # JSON-encoded "5831104529", decoded
    [record] = api.sent_messages(CHAT)
    assert record.message_id == sent.message_id
    assert record.parse_mode == "HTML"
    assert record.text.startswith("<b>Laporan diterima</b>")
    assert record.plain_text == sent.text
    assert record.reply_markup == {
        "inline_keyboard": [
            [
                {"text": "Lapor", "callback_data": "menu:lapor"},
                {"text": "Cek status", "callback_data": "menu:status"},
            ],
            [{"text": "Situs Polres", "url": "https://polres.example.go.id"}],
        ]
    }
    assert record.callback_data == ["menu:lapor", "menu:status"]


async def test_message_ids_increase_per_chat(api: FakeTelegramApi, bot: Bot) -> None:
    api.queue_update(load_update("private_text"))  # the chat's last message is 1051
    first = await bot.send_message(CHAT, "satu")
    second = await bot.send_message(CHAT, "dua")
    other = await bot.send_message(GROUP, "tiga")
    assert (first.message_id, second.message_id) == (1052, 1053)
    assert other.message_id == 1
    assert other.chat.type == "supergroup"
    assert first.chat.first_name == "Budi"  # the chat as learnt from the update
    assert [m.text for m in api.sent_messages()] == ["satu", "dua", "tiga"]
    assert [m.text for m in api.sent_messages(str(GROUP))] == ["tiga"]


async def test_text_that_is_a_number_stays_text(api: FakeTelegramApi, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "112")
    assert sent.text == "112"
    assert api.sent_messages()[0].params["text"] == "112"


async def test_reply_to_a_known_message(api: FakeTelegramApi, bot: Bot) -> None:
    api.queue_update(load_update("group_mention"))
    sent = await bot.send_message(
        GROUP, "SKCK dibuat di Polres.", reply_parameters=ReplyParameters(88412)
    )
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.text == "@PolresTestBot bagaimana cara membuat SKCK?"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(GROUP, "?", reply_parameters=ReplyParameters(1))


async def test_too_long_text_is_a_bad_request(api: FakeTelegramApi, bot: Bot) -> None:
    await bot.send_message(CHAT, "x" * 4096)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    assert api.calls[-1].status == 400
    assert len(api.sent_messages()) == 1


async def test_empty_text_and_bad_markup_are_bad_requests(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(CHAT, "   ")
    with pytest.raises(BadRequest, match='Can\'t parse entities: unsupported start tag "br"'):
        await bot.send_message(CHAT, "baris 1<br>baris 2", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match='corresponding to start tag "b"'):
        await bot.send_message(CHAT, "<b>tebal", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match='unsupported start tag "" at byte offset 6'):
        await bot.send_message(CHAT, "jarak < 5 km", parse_mode=ParseMode.HTML)
    long_data = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(CHAT, "pilih", reply_markup=long_data)


async def test_chat_action_and_callback_answer(api: FakeTelegramApi, bot: Bot) -> None:
    assert await bot.send_chat_action(CHAT, ChatAction.TYPING)
    assert await bot.answer_callback_query("2504453286758102347", text="Terkirim")
    with pytest.raises(BadRequest):
        await bot.send_chat_action(CHAT, "dancing")
    assert api.calls_to("sendChatAction")[0].params == {"chat_id": CHAT, "action": "typing"}
    assert api.calls_to("answerCallbackQuery")[0].params == {
        "callback_query_id": "2504453286758102347",
        "text": "Terkirim",
    }


# -- faults -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("ptb_timedelta")
async def test_429_is_retry_after(api: FakeTelegramApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(CHAT, "halo")
    assert raised.value.retry_after == dtm.timedelta(seconds=3)
    assert api.calls[-1].status == 429
    assert (await bot.send_message(CHAT, "halo")).text == "halo"  # only the next call failed
    assert len(api.sent_messages()) == 1


async def test_500_is_a_network_error(api: FakeTelegramApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=500)
    with pytest.raises(NetworkError, match="Internal Server Error") as raised:
        await bot.send_message(CHAT, "halo")
    assert raised.type is NetworkError  # not its BadRequest / TimedOut subclasses
    assert api.sent_messages() == []


async def test_blocked_chat_is_forbidden(api: FakeTelegramApi, bot: Bot) -> None:
    api.block_chat(CHAT)
    with pytest.raises(Forbidden, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(CHAT, "halo")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(CHAT, ChatAction.TYPING)
    assert (await bot.send_message(GROUP, "halo")).chat.id == GROUP
    api.unblock_chat(CHAT)
    await bot.send_message(CHAT, "halo")


async def test_delay_beyond_the_read_timeout_times_out(api: FakeTelegramApi, bot: Bot) -> None:
    api.delay_next("sendMessage", 0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(CHAT, "lambat", read_timeout=0.1)
    # Like Telegram, the request was still carried out.
    assert [m.text for m in await api.wait_for_messages(1)] == ["lambat"]


@pytest.mark.usefixtures("ptb_timedelta")
async def test_flood_control(api: FakeTelegramApi, bot: Bot) -> None:
    api.rate_limit(per_second=30, per_chat_per_second=1)
    await bot.send_message(CHAT, "satu")
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(CHAT, "dua")
    assert raised.value.retry_after == dtm.timedelta(seconds=1)
    await bot.send_message(GROUP, "chat lain")  # other chats are not limited by this one
    api.disable_rate_limit()
    await bot.send_message(CHAT, "dua")
    assert [c.status for c in api.calls_to("sendMessage")] == [200, 429, 200, 200]


# -- sendPhoto --------------------------------------------------------------------------------


async def test_send_photo_upload_then_by_file_id(api: FakeTelegramApi, bot: Bot) -> None:
    picture = png(2000, 1000)
    sent = await bot.send_photo(
        CHAT,
        picture,
        caption="<b>Waspada banjir</b> di Kec. Lembang",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(),
    )
    assert [(p.width, p.height) for p in sent.photo] == [
        (90, 45),
        (320, 160),
        (800, 400),
        (1280, 640),
    ]
    assert len({p.file_id for p in sent.photo}) == len({p.file_unique_id for p in sent.photo}) == 4
    assert sent.caption == "Waspada banjir di Kec. Lembang"
    assert [(e.type, sent.parse_caption_entity(e)) for e in sent.caption_entities] == [
        (MessageEntity.BOLD, "Waspada banjir")
    ]
    assert sent.reply_markup == keyboard()
    assert api.calls_to("sendPhoto")[0].content_type == "multipart/form-data"

    [record] = api.sent_photos(CHAT)
    file_id = sent.photo[-1].file_id
    assert (record.message_id, record.file_id, record.uploaded) == (sent.message_id, file_id, True)
    assert (record.file_size, record.sha256) == (len(picture), hashlib.sha256(picture).hexdigest())
    assert record.caption == "<b>Waspada banjir</b> di Kec. Lembang"
    assert record.plain_caption == sent.caption
    assert record.parse_mode == "HTML"
    assert record.callback_data == ["menu:lapor", "menu:status"]
    assert record.sizes == [p.to_dict() for p in sent.photo]
    assert api.sent_messages() == []  # sendMessage only

    again = await bot.send_photo(GROUP, file_id, caption="Diulang")
    assert again.photo == sent.photo  # the same file
    assert again.caption == "Diulang"
    assert again.caption_entities == ()
    resent = api.sent_photos(GROUP)[0]
    assert (resent.file_id, resent.uploaded, resent.sha256) == (file_id, False, record.sha256)
    assert resent.parse_mode is None
    assert [p.chat_id for p in api.sent_photos()] == [CHAT, GROUP]
    url = f"{api.url}/file/bot{api.token}/files/{sent.photo[0].file_id}"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert await response.read() == picture  # every size serves the uploaded bytes


async def test_photo_sizes(api: FakeTelegramApi, bot: Bot) -> None:
    small = await bot.send_photo(CHAT, jpeg(640, 480))
    assert [(p.width, p.height) for p in small.photo] == [(90, 68), (320, 240), (640, 480)]
    assert small.caption is None
    assert small.photo[-1].file_size == len(jpeg(640, 480))
    unreadable = await bot.send_photo(CHAT, b"not a picture")
    assert (unreadable.photo[-1].width, unreadable.photo[-1].height) == (1280, 720)
    # A photo a user sent can be sent on by its file_id.
    api.add_file("AgACAgUAAxkBAAIUser", png(50, 100))
    forwarded = await bot.send_photo(GROUP, "AgACAgUAAxkBAAIUser")
    assert [(p.width, p.height) for p in forwarded.photo] == [(45, 90), (50, 100)]
    assert forwarded.photo[-1].file_id == "AgACAgUAAxkBAAIUser"


async def test_photo_caption_limits(api: FakeTelegramApi, bot: Bot) -> None:
    await bot.send_photo(CHAT, b"x", caption="c" * 1024)
    # 1024 characters after entity parsing: the markup does not count.
    await bot.send_photo(CHAT, b"x", caption=f"<b>{'c' * 1024}</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(CHAT, b"x", caption="c" * 1025)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_photo(CHAT, b"x", caption="<b>tebal", parse_mode=ParseMode.HTML)
    assert [c.status for c in api.calls_to("sendPhoto")] == [200, 200, 400, 400]
    assert len(api.sent_photos()) == 2


async def test_send_photo_bad_files(api: FakeTelegramApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await bot.send_photo(CHAT, "AgACAgUAAxkDAAINotAFileId")
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await bot.send_photo(CHAT, "https://polres.example.go.id/banjir.jpg")  # never fetched
    with pytest.raises(BadRequest, match="File must be non-empty"):
        await bot.send_photo(CHAT, b"")
    with pytest.raises(BadRequest, match="There is no photo in the request"):
        await bot.send_photo(CHAT, "")
    assert api.sent_photos() == []


@pytest.mark.usefixtures("ptb_timedelta")
async def test_send_photo_obeys_flood_control_and_faults(api: FakeTelegramApi, bot: Bot) -> None:
    api.rate_limit(per_second=30, per_chat_per_second=1)
    await bot.send_message(CHAT, "satu")  # messages and photos share the limits
    with pytest.raises(RetryAfter) as raised:
        await bot.send_photo(CHAT, b"x")
    assert raised.value.retry_after == dtm.timedelta(seconds=1)
    await bot.send_photo(GROUP, b"x")
    api.disable_rate_limit()

    api.fail_next("sendPhoto", status=429, retry_after=5)
    with pytest.raises(RetryAfter):
        await bot.send_photo(CHAT, b"x")
    api.fail_next("sendPhoto", status=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_photo(CHAT, b"x")
    api.block_chat(CHAT)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_photo(CHAT, b"x")
    assert [c.status for c in api.calls_to("sendPhoto")] == [429, 200, 429, 500, 403]
    assert [p.chat_id for p in api.sent_photos()] == [GROUP]


async def test_get_file_describes_a_sent_photo(bot: Bot) -> None:
    sent = await bot.send_photo(CHAT, png(10, 10))
    [size] = sent.photo
    described = await bot.get_file(size.file_id)
    assert (described.file_unique_id, described.file_size) == (size.file_unique_id, size.file_size)


async def test_slow_photo_still_sent(api: FakeTelegramApi, bot: Bot) -> None:
    api.delay_next("sendPhoto", 0.5)
    with pytest.raises(TimedOut):
        await bot.send_photo(CHAT, b"x", caption="lambat", read_timeout=0.1)
    assert [p.caption for p in await api.wait_for_photos(1, chat_id=CHAT)] == ["lambat"]
    with pytest.raises(TimeoutError, match=r"1 of 2 photos after 0.05s: \['lambat'\]"):
        await api.wait_for_photos(2, within=0.05)
    api.reset()
    assert api.sent_photos() == []


# -- updates ----------------------------------------------------------------------------------


async def test_get_updates_returns_a_queued_update(api: FakeTelegramApi, bot: Bot) -> None:
    assert api.queue_update(load_update("private_start_command")) == 583920102
    [update] = await bot.get_updates(timeout=0)
    assert isinstance(update, Update)
    assert update.update_id == 583920102
    message = update.message
    assert message is not None
    assert message.text == "/start"
    assert message.from_user is not None
    assert message.chat.id == message.from_user.id == 6120457733
    assert message.chat.type == "private"
    assert message.parse_entities([MessageEntity.BOT_COMMAND]) == {message.entities[0]: "/start"}
    assert message.date == dtm.datetime.fromtimestamp(1736141190, dtm.UTC)

    # Unconfirmed updates come again; an offset above them confirms and drops them.
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [583920102]
    assert await bot.get_updates(offset=583920103, timeout=0) == ()
    assert api.pending_updates == []


async def test_get_updates_limit_and_renumbering(api: FakeTelegramApi, bot: Bot) -> None:
    ids = [api.queue_update(load_update("private_text")) for _ in range(3)]
    assert ids == [583920101, 583920102, 583920103]  # the same fixture gets fresh ids
    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    assert [u.update_id for u in await bot.get_updates(offset=ids[1] + 1)] == ids[2:]


async def test_long_polling_waits_for_an_update(api: FakeTelegramApi, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    api.queue_update(load_update("callback_query"))
    [update] = await poll
    assert 0.2 <= loop.time() - started < 2
    query = update.callback_query
    assert query is not None
    assert query.data == "lapor:kirim"
    assert query.message is not None
    assert query.message.chat.id == CHAT
    assert query.message.reply_markup is not None

    started = loop.time()
    assert await bot.get_updates(offset=update.update_id + 1, timeout=1) == ()
    assert loop.time() - started >= 0.9


async def test_a_newer_poll_ends_the_older_with_conflict(api: FakeTelegramApi, bot: Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    # A second instance of the bot (one Bot polls over a single connection).
    async with Bot(api.token, base_url=api.base_url) as second:
        assert await second.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await older


async def test_allowed_updates_filter_new_updates(api: FakeTelegramApi, bot: Bot) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    assert api.queue_update(load_update("private_text")) is None
    assert api.queue_update(load_update("callback_query")) is not None
    [update] = await bot.get_updates()
    assert update.callback_query is not None


async def test_a_polling_application_answers_through_the_fake(api: FakeTelegramApi) -> None:
    """The way the Telegram channel runs: an Application polling getUpdates."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"Diterima: {update.effective_message.text}")

    app = Application.builder().token(api.token).base_url(api.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    api.queue_update(load_update("private_text"))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1, drop_pending_updates=False)
        await app.start()
        api.queue_update(load_update("group_mention"))
        sent = await api.wait_for_messages(2)
        await app.updater.stop()
        await app.stop()
    assert [(m.chat_id, m.text) for m in sent] == [
        (CHAT, "Diterima: Selamat siang, saya mau tanya cara membuat SKCK"),
        (GROUP, "Diterima: @PolresTestBot bagaimana cara membuat SKCK?"),
    ]
    assert sent[1].message["reply_to_message"]["message_id"] == 88412  # PTB quotes in groups
    assert api.pending_updates == []  # the updater confirmed what it handled on stop
    assert api.calls_to("deleteWebhook")


# -- webhook ----------------------------------------------------------------------------------


async def test_set_webhook_records_its_settings(api: FakeTelegramApi, bot: Bot) -> None:
    api.queue_update(load_update("private_text"))
    assert await bot.set_webhook(
        "https://polres.example.go.id/telegram/webhook",
        secret_token="s3cr3t_Token-1",
        allowed_updates=["message", "callback_query"],
        drop_pending_updates=True,
    )
    webhook = api.webhook
    assert webhook is not None
    assert webhook.url == "https://polres.example.go.id/telegram/webhook"
    assert webhook.secret_token == "s3cr3t_Token-1"
    assert webhook.allowed_updates == ["message", "callback_query"]
    assert webhook.drop_pending_updates is True
    assert api.pending_updates == []

    info = await bot.get_webhook_info()
    assert info.url == webhook.url
    assert info.pending_update_count == 0
    assert info.allowed_updates == ("message", "callback_query")
    assert info.has_custom_certificate is False

    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert api.webhook is None
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates() == ()


async def test_set_webhook_multipart_with_certificate(api: FakeTelegramApi, bot: Bot) -> None:
    await bot.set_webhook(
        "https://polres.example.go.id:8443/hook",
        certificate=b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        secret_token="abc",
        max_connections=10,
    )
    call = api.calls_to("setWebhook")[0]
    assert call.content_type == "multipart/form-data"
    assert call.params["max_connections"] == 10
    assert call.params["certificate"].data.startswith(b"-----BEGIN CERTIFICATE-----")
    assert api.webhook is not None
    assert api.webhook.has_custom_certificate
    assert api.webhook.secret_token == "abc"


async def test_set_webhook_rejects_what_telegram_rejects(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="an https url must be provided"):
        await bot.set_webhook("http://127.0.0.1:8080/hook")
    with pytest.raises(BadRequest, match="only on ports 80, 88, 443 or 8443"):
        await bot.set_webhook("https://polres.example.go.id:8080/hook")
    with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
        await bot.set_webhook("https://polres.example.go.id/hook", secret_token="no spaces")


async def test_plain_http_webhooks_can_be_allowed() -> None:
    async with (
        FakeTelegramApi(allow_http_webhook=True) as api,
        Bot(api.token, base_url=api.base_url) as bot,
    ):
        assert await bot.set_webhook("http://127.0.0.1:8080/telegram/webhook", secret_token="t")
        assert api.webhook is not None
        assert api.webhook.url == "http://127.0.0.1:8080/telegram/webhook"


# -- other encodings --------------------------------------------------------------------------


async def test_json_bodies_and_query_strings(api: FakeTelegramApi) -> None:
    markup = {"inline_keyboard": [[{"text": "Ya", "callback_data": "ya"}]]}
    async with aiohttp.ClientSession() as http:
        url = f"{api.base_url}{api.token}"
        async with http.post(
            f"{url}/SENDMESSAGE", json={"chat_id": CHAT, "text": "json", "reply_markup": markup}
        ) as response:
            body: dict[str, Any] = await response.json()
        async with http.get(f"{url}/getWebhookInfo", params={"x": "1"}) as response:
            info = await response.json()
        async with http.get(f"{api.url}/file/bot{api.token}/photos/x.jpg") as response:
            missing = (response.status, await response.json())
    assert body["ok"] is True
    assert body["result"]["text"] == "json"
    assert body["result"]["reply_markup"] == markup
    assert api.sent_messages()[0].reply_markup == markup
    assert api.calls[0].method == "sendMessage"  # method names are case-insensitive
    assert info == {
        "ok": True,
        "result": {"url": "", "has_custom_certificate": False, "pending_update_count": 0},
    }
    assert missing == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_error_body_shape(api: FakeTelegramApi) -> None:
    api.fail_next("sendMessage", status=429, retry_after=7)
    async with aiohttp.ClientSession() as http:
        url = f"{api.base_url}{api.token}/sendMessage"
        async with http.post(url, data={"chat_id": str(CHAT), "text": "a"}) as response:
            assert response.status == 429
            assert await response.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            }
        async with http.post(f"{api.base_url}nope/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }


# -- fixtures ---------------------------------------------------------------------------------


def test_all_fixtures_are_present() -> None:
    assert set(UPDATE_NAMES) == EXPECTED_FIXTURES


@pytest.mark.parametrize("name", sorted(EXPECTED_FIXTURES))
async def test_every_fixture_parses_as_an_update(name: str, bot: Bot) -> None:
    data = load_update(name)
    update = Update.de_json(data, bot)
    assert update.update_id == data["update_id"]
    assert update.effective_message is not None
    assert update.effective_chat is not None
    assert update.effective_chat.id == update_message(data)["chat"]["id"]
    assert not update.api_kwargs
    assert not update.effective_message.api_kwargs


async def test_fixture_contents(bot: Bot) -> None:
    def parse(name: str) -> Update:
        return Update.de_json(load_update(name), bot)

    photo = parse("private_photo").message
    assert photo is not None
    assert len(photo.photo) == 4
    assert photo.photo[-1].width == 1280
    assert photo.caption
    location = parse("private_location").message
    assert location is not None
    assert location.location is not None
    assert location.location.latitude == pytest.approx(-6.917464)
    contact = parse("private_contact").message
    assert contact is not None
    assert contact.contact is not None
    assert contact.contact.user_id == contact.chat.id
    edited = parse("edited_message").edited_message
    assert edited is not None
    assert edited.edit_date is not None
    assert edited.edit_date > edited.date
    mention = parse("group_mention").message
    assert mention is not None
    assert mention.chat.type == "supergroup"
    assert list(mention.parse_entities([MessageEntity.MENTION]).values()) == ["@PolresTestBot"]
    reply = parse("group_reply_to_bot").message
    assert reply is not None
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.from_user is not None
    assert reply.reply_to_message.from_user.username == "PolresTestBot"
    plain = parse("group_plain").message
    assert plain is not None
    assert plain.chat.type == "group"
    assert not plain.entities
    assert plain.reply_to_message is None
    post = parse("channel_post").channel_post
    assert post is not None
    assert post.chat.type == "channel"
    assert post.from_user is None
    assert post.sender_chat == post.chat


def test_load_update_overrides() -> None:
    update = load_update(
        "private_text",
        update_id=9,
        message_id=77,
        chat_id=42,
        user_id=42,
        text="/lapor@PolresTestBot",
    )
    message = update["message"]
    assert update["update_id"] == 9
    assert message["message_id"] == 77
    assert message["chat"]["id"] == message["from"]["id"] == 42
    assert message["text"] == "/lapor@PolresTestBot"
    assert message["entities"] == [{"offset": 0, "length": 20, "type": "bot_command"}]

    group = load_update("group_reply_to_bot", chat_id=-1009, text="oke @budi_santoso88")
    assert group["message"]["reply_to_message"]["chat"]["id"] == -1009
    assert group["message"]["entities"] == [{"offset": 4, "length": 15, "type": "mention"}]
    photo = load_update("private_photo", text="motor saya")
    assert photo["message"]["caption"] == "motor saya"
    assert "text" not in photo["message"]
    callback = load_update("callback_query", data="lapor:batal", user_id=7)
    assert callback["callback_query"]["data"] == "lapor:batal"
    assert callback["callback_query"]["from"]["id"] == 7
    assert callback["callback_query"]["message"]["from"]["id"] == BOT_ID
    assert load_update("private_text") is not load_update("private_text")
    with pytest.raises(ValueError, match="no Telegram update fixture"):
        load_update("private_sticker")
