"""The fake Telegram Bot API's sendMessage, sendChatAction and answerCallbackQuery, and the faults
a test injects into them (429, 500, a blocked chat, a delay, flood control)."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from tests.fakes.telegram_api import BOT_ID, FakeTelegramApi
from tests.fakes.telegram_updates import load_update
from tests.unit.fake_telegram_api.telegram_samples import CHAT, GROUP, keyboard

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
