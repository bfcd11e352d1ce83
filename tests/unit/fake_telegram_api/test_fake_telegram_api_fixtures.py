"""The Telegram update fixtures (tests/data/telegram) parse as PTB Updates and have the shape
Telegram sends; load_update's overrides."""

from __future__ import annotations

import pytest
from telegram import Bot, MessageEntity, Update

from tests.fakes.telegram_api import BOT_ID
from tests.fakes.telegram_updates import UPDATE_NAMES, load_update, update_message

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
