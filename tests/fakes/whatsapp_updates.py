"""Real-shaped WhatsApp Cloud API webhook payloads (tests/data/whatsapp/*.json), overridable.

The fixtures copy the structure of the ``messages`` webhook Meta POSTs (v23.0): one object
``whatsapp_business_account`` with entries, changes, metadata, contacts and messages or
statuses. Ids, numbers and timestamps are realistic but made up; the business number is
`whatsapp_api.DEFAULT_PHONE_NUMBER_ID` except in ``other_phone_number``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "whatsapp"
WEBHOOK_NAMES: tuple[str, ...] = tuple(sorted(path.stem for path in DATA_DIR.glob("*.json")))

# Where a message carries what the user typed or chose (the text override).
_TEXT_FIELDS = {"text": "body", "image": "caption", "video": "caption", "document": "caption"}


def changes(payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every change value of a webhook payload, in order."""
    for entry in payload["entry"]:
        for change in entry["changes"]:
            value: dict[str, Any] = change["value"]
            yield value


def messages(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Every message of a webhook payload, in order."""
    return [m for value in changes(payload) for m in value.get("messages", [])]


def statuses(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Every status of a webhook payload, in order."""
    return [s for value in changes(payload) for s in value.get("statuses", [])]


def _replace(node: Any, keys: frozenset[str], old: Any, new: Any) -> None:
    """Set every `key: old` (key in `keys`, at any depth) to `key: new`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and value == old:
                node[key] = new
            else:
                _replace(value, keys, old, new)
    elif isinstance(node, list):
        for item in node:
            _replace(item, keys, old, new)


def load_webhook(
    name: str,
    *,
    wa_id: str | None = None,
    wamid: str | None = None,
    text: str | None = None,
    phone_number_id: str | None = None,
    display_phone_number: str | None = None,
    name_: str | None = None,
    timestamp: int | None = None,
    reply_id: str | None = None,
) -> dict[str, Any]:
    """A fresh copy of fixture `name` (e.g. "text"), with overrides:

    wa_id: the first user's number wherever it occurs (contacts[].wa_id, messages[].from,
    statuses[].recipient_id); wamid: the first message's id (or the first status's id);
    text: what the user typed or chose in every message (text body, media caption, button
    text, interactive reply title); phone_number_id / display_phone_number: the business
    number in every metadata; name_: the first user's profile name; timestamp: every message
    and status timestamp; reply_id: the tapped button or row (interactive reply id, button
    payload).
    """
    path = DATA_DIR / f"{name.removesuffix('.json')}.json"
    if not path.is_file():
        raise ValueError(f"no WhatsApp webhook fixture {name!r}; have {', '.join(WEBHOOK_NAMES)}")
    payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    found_messages, found_statuses = messages(payload), statuses(payload)
    contacts = [c for value in changes(payload) for c in value.get("contacts", [])]
    if wa_id is not None:
        old = contacts[0]["wa_id"] if contacts else found_statuses[0]["recipient_id"]
        _replace(payload, frozenset({"wa_id", "from", "recipient_id"}), old, wa_id)
    if wamid is not None:
        (found_messages or found_statuses)[0]["id"] = wamid
    if name_ is not None:
        contacts[0]["profile"]["name"] = name_
    for value in changes(payload):
        if phone_number_id is not None:
            value["metadata"]["phone_number_id"] = phone_number_id
        if display_phone_number is not None:
            value["metadata"]["display_phone_number"] = display_phone_number
    if timestamp is not None:
        for item in found_messages + found_statuses:
            item["timestamp"] = str(timestamp)
    if text is not None:
        _override_text(name, found_messages, text)
    if reply_id is not None:
        _override_reply_id(name, found_messages, reply_id)
    return payload


def _override_text(name: str, found: list[dict[str, Any]], text: str) -> None:
    changed = False
    for message in found:
        kind = message["type"]
        if kind in _TEXT_FIELDS:
            message[kind][_TEXT_FIELDS[kind]] = text
        elif kind == "button":
            message["button"]["text"] = text
        elif kind == "interactive":
            interactive = message["interactive"]
            interactive[interactive["type"]]["title"] = text
        else:
            continue
        changed = True
    if not changed:
        raise ValueError(f"{name} has no message carrying text")


def _override_reply_id(name: str, found: list[dict[str, Any]], reply_id: str) -> None:
    changed = False
    for message in found:
        if message["type"] == "interactive":
            interactive = message["interactive"]
            interactive[interactive["type"]]["id"] = reply_id
        elif message["type"] == "button":
            message["button"]["payload"] = reply_id
        else:
            continue
        changed = True
    if not changed:
        raise ValueError(f"{name} has no button or list reply")


def webhook_body(payload: dict[str, Any]) -> bytes:
    """The bytes Meta POSTs for `payload`: compact JSON with non-ASCII characters and "/"
    escapes (``\\u00e9``, ``\\/``), so a bot must verify X-Hub-Signature-256 over the raw body,
    never over JSON it re-serialised."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    return text.replace("/", "\\/").encode("ascii")
