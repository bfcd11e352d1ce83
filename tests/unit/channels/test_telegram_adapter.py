"""Telegram updates → Inbound, replies → sendMessage parts, and the flood limits."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Bot, Update

from bot.channels.telegram import BotIdentity, TelegramSender, parse_update, render
from bot.channels.text import split_text
from bot.core.types import Button, Location, Media, OutboundMessage, Reply
from tests.fakes.images import MemoryImages

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "telegram"
BOT = BotIdentity(777000111, "PolresTestBot")
TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def update(name: str) -> Update:
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    return Update.de_json(data, Bot(TOKEN))


def test_private_text_message() -> None:
    raw = json.loads((FIXTURES / "private_text.json").read_text())["message"]

    inbound = parse_update(update("private_text"), BOT)

    assert inbound is not None
    assert inbound.channel == "telegram"
    assert inbound.chat_id == str(raw["chat"]["id"])
    assert inbound.external_id == f"{raw['chat']['id']}:{raw['message_id']}"
    assert inbound.text == raw["text"].strip()


def test_photo_keeps_the_largest_file_id_and_the_caption() -> None:
    raw = json.loads((FIXTURES / "private_photo.json").read_text())["message"]

    inbound = parse_update(update("private_photo"), BOT)

    assert inbound is not None
    assert inbound.media == (Media("photo", raw["photo"][-1]["file_id"]),)
    assert inbound.text == raw.get("caption", "").strip()


def test_a_voice_note_is_kept_by_file_id_without_text() -> None:
    raw = json.loads((FIXTURES / "private_voice.json").read_text())["message"]

    inbound = parse_update(update("private_voice"), BOT)

    assert inbound is not None
    assert inbound.media == (Media("voice", raw["voice"]["file_id"]),)
    assert inbound.text == ""


def test_shared_location() -> None:
    raw = json.loads((FIXTURES / "private_location.json").read_text())["message"]["location"]

    inbound = parse_update(update("private_location"), BOT)

    assert inbound is not None
    assert inbound.location == Location(raw["latitude"], raw["longitude"])


def test_a_button_press_becomes_its_payload_as_text() -> None:
    raw = json.loads((FIXTURES / "callback_query.json").read_text())["callback_query"]

    inbound = parse_update(update("callback_query"), BOT)

    assert inbound is not None
    assert inbound.text == raw["data"]
    assert inbound.external_id == f"callback:{raw['id']}"
    assert inbound.chat_id == str(raw["message"]["chat"]["id"])


def test_group_messages_count_only_when_addressed_to_the_bot() -> None:
    mention = parse_update(update("group_mention"), BOT)
    reply = parse_update(update("group_reply_to_bot"), BOT)

    assert mention is not None
    assert mention.text == "bagaimana cara membuat SKCK?"
    assert reply is not None
    assert parse_update(update("group_plain"), BOT) is None


@pytest.mark.parametrize("name", ["edited_message", "channel_post"])
def test_updates_the_bot_does_not_answer(name: str) -> None:
    assert parse_update(update(name), BOT) is None


def test_split_text_cuts_at_line_breaks_within_the_limit() -> None:
    text = "\n".join(f"baris {i} " + "x" * 40 for i in range(300))

    parts = split_text(text, 4096)

    assert len(parts) > 1
    assert all(len(part) <= 4096 for part in parts)
    assert "\n".join(parts) == text


def test_split_text_without_spaces_cuts_hard() -> None:
    assert split_text("a" * 10, 4) == ["aaaa", "aaaa", "aa"]


def test_split_text_in_utf16_units_counts_an_emoji_twice() -> None:
    assert split_text("🚨" * 5, 4, utf16=True) == ["🚨🚨", "🚨🚨", "🚨"]
    assert split_text("a🚨a", 4, utf16=True) == ["a🚨a"]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a" * 4096, 1),  # Telegram's limit exactly
        ("<&>" * 1365, 1),  # 4095 characters: escaping lengthens the markup, not the text
        ("kata " * 800, 1),  # 4000 characters
        ("a" * 4097, 2),
        ("🚨" * 2049, 2),  # 4098 UTF-16 units
    ],
)
def test_render_splits_only_past_4096(text: str, parts: int) -> None:
    assert len(render(Reply(text))) == parts


def test_render_escapes_citizen_text_and_puts_buttons_on_the_last_part() -> None:
    reply = Reply("<b>" + "kata " * 1500, (Button("Lapor", "/lapor"),))

    parts = render(reply)

    assert len(parts) >= 2
    assert parts[0][0].startswith("&lt;b&gt;")
    assert all(len(html.unescape(text)) <= 4096 for text, _ in parts)  # as Telegram counts
    assert all(keyboard is None for _, keyboard in parts[:-1])
    keyboard = parts[-1][1]
    assert keyboard is not None
    assert keyboard.inline_keyboard[0][0].callback_data == "/lapor"


def outbound(chat_id: str) -> OutboundMessage:
    return OutboundMessage(1, "telegram", chat_id, Reply("halo"), datetime(2026, 1, 1, tzinfo=UTC))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def sender(clock: Clock, overall: int = 30) -> TelegramSender:
    return TelegramSender(
        Bot(TOKEN),
        MemoryImages(),
        messages_per_second=overall,
        chat_messages_per_second=1,
        group_messages_per_minute=20,
        clock=clock,
    )


def test_one_message_per_second_to_a_private_chat() -> None:
    clock = Clock()
    limits = sender(clock)

    assert limits.try_reserve(outbound("42"))
    assert not limits.try_reserve(outbound("42"))  # the first one is still in flight
    assert limits.try_reserve(outbound("43"))


class AnsweringBot(Bot):
    """Every sendMessage is answered at once (no network)."""

    async def send_message(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        return None


async def test_twenty_messages_per_minute_to_a_group_and_one_a_second() -> None:
    clock = Clock()
    limits = TelegramSender(
        AnsweringBot(TOKEN),
        MemoryImages(),
        messages_per_second=30,
        chat_messages_per_second=1,
        group_messages_per_minute=20,
        clock=clock,
    )
    allowed = 0
    for _ in range(120):
        if limits.try_reserve(outbound("-1001")):
            allowed += 1
            assert not limits.try_reserve(outbound("-1001"))  # groups get 1/s per chat too
            await limits.send(outbound("-1001"))
        clock.now += 0.5
    assert allowed == 20  # 60 s: 20 a minute


def test_thirty_messages_per_second_overall() -> None:
    clock = Clock()
    limits = sender(clock)

    allowed = sum(limits.try_reserve(outbound(str(chat))) for chat in range(100))

    assert allowed == 30
