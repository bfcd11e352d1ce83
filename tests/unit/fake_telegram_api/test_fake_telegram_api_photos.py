"""The fake Telegram Bot API's sendPhoto and getFile: uploads, file ids, photo sizes, captions,
and the same limits and faults as sendMessage."""

from __future__ import annotations

import datetime as dtm
import hashlib

import aiohttp
import pytest
from telegram import Bot, MessageEntity
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from tests.fakes.telegram_api import FakeTelegramApi
from tests.unit.fake_telegram_api.telegram_samples import CHAT, GROUP, jpeg, keyboard, png

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
