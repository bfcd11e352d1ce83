"""Real-shaped Telegram updates (tests/data/telegram/*.json) with a few fields overridable.

The fixtures copy the structure of updates Telegram sends (private chat with the bot,
a supergroup, a basic group, a channel); ids and dates are realistic but made up.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.fakes.telegram_html import utf16_len

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "telegram"
UPDATE_NAMES: tuple[str, ...] = tuple(sorted(path.stem for path in DATA_DIR.glob("*.json")))

# Keys of an Update that carry a Message, in the order Telegram documents them.
_MESSAGE_KEYS = ("message", "edited_message", "channel_post", "edited_channel_post")
# Entities Telegram detects in a user's text by itself.
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{5,32})?(?![A-Za-z0-9_@])")
_MENTION = re.compile(r"(?<![A-Za-z0-9_@])@[A-Za-z0-9_]{5,32}(?![A-Za-z0-9_])")


def detect_entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities as Telegram marks them in a user's text."""
    found = [(m, "bot_command") for m in _COMMAND.finditer(text)]
    found += [(m, "mention") for m in _MENTION.finditer(text)]
    entities = [
        {
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group(0)),
            "type": kind,
        }
        for m, kind in found
    ]
    return sorted(entities, key=lambda e: e["offset"])


def update_message(update: dict[str, Any]) -> dict[str, Any]:
    """The Message an update carries (a callback query's own message for callback_query)."""
    for key in _MESSAGE_KEYS:
        if key in update:
            message: dict[str, Any] = update[key]
            return message
    if "callback_query" in update:
        message = update["callback_query"]["message"]
        return message
    raise KeyError(f"update {update.get('update_id')} carries no message")


def _replace_ids(node: Any, key: str, old: int, new: int) -> None:
    """Set every {"id": old} object under `key` (at any depth) to id `new`."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key and isinstance(value, dict) and value.get("id") == old:
                value["id"] = new
            _replace_ids(value, key, old, new)
    elif isinstance(node, list):
        for item in node:
            _replace_ids(item, key, old, new)


def load_update(
    name: str,
    *,
    update_id: int | None = None,
    message_id: int | None = None,
    chat_id: int | None = None,
    text: str | None = None,
    user_id: int | None = None,
    date: int | None = None,
    data: str | None = None,
) -> dict[str, Any]:
    """A fresh copy of fixture `name` (e.g. "private_text"), with overrides:

    update_id; message_id, date (the update's message; edit_date moves along);
    chat_id (every object of that chat, replies included); user_id (the sender wherever it
    appears, and the chat of a private conversation with them); text (the text, or the
    caption of a media message; bot_command and mention entities are re-detected as
    Telegram would); data (a callback query's data).
    """
    path = DATA_DIR / f"{name.removesuffix('.json')}.json"
    if not path.is_file():
        raise ValueError(f"no Telegram update fixture {name!r}; have {', '.join(UPDATE_NAMES)}")
    update: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    message = update_message(update)
    if update_id is not None:
        update["update_id"] = update_id
    if message_id is not None:
        message["message_id"] = message_id
    if date is not None:
        if "edit_date" in message:
            message["edit_date"] = date + (message["edit_date"] - message["date"])
        message["date"] = date
    sender = update["callback_query"]["from"] if "callback_query" in update else message.get("from")
    if user_id is not None and sender is not None:
        old_user = sender["id"]
        _replace_ids(update, "from", old_user, user_id)
        if message["chat"]["type"] == "private" and message["chat"]["id"] == old_user:
            _replace_ids(update, "chat", old_user, user_id)
        if message.get("contact", {}).get("user_id") == old_user:
            message["contact"]["user_id"] = user_id
    if chat_id is not None:
        old_chat = message["chat"]["id"]
        _replace_ids(update, "chat", old_chat, chat_id)
        _replace_ids(update, "sender_chat", old_chat, chat_id)
    if text is not None:
        field = "caption" if "caption" in message or "photo" in message else "text"
        message[field] = text
        entities_key = "caption_entities" if field == "caption" else "entities"
        message.pop(entities_key, None)
        if entities := detect_entities(text):
            message[entities_key] = entities
    if data is not None:
        if "callback_query" not in update:
            raise ValueError(f"{name} is not a callback query; data applies to callback queries")
        update["callback_query"]["data"] = data
    return update
