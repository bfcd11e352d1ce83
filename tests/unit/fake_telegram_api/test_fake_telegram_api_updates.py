"""The fake Telegram Bot API's updates: getUpdates (long polling) and the webhook methods."""

from __future__ import annotations

import asyncio
import datetime as dtm

import pytest
from telegram import Bot, Message, MessageEntity, Update
from telegram.error import BadRequest, Conflict
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.telegram_updates import load_update
from tests.unit.fake_telegram_api.telegram_samples import CHAT, GROUP

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
    assert ids[1] is not None
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
    assert isinstance(query.message, Message)  # accessible, so it has reply_markup
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
