"""What a message request to the fake WhatsApp Cloud API must look like: its recipient, text,
interactive (buttons, list) and template parts, checked as Meta checks them (for
whatsapp_api.py)."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes.whatsapp_wire import MAX_TEXT, GraphError, invalid, not_valid, required

_TEMPLATE_TEXT = "Param text cannot have new-line/tab characters or more than 4 consecutive spaces"
PHONE_NUMBER = re.compile(r"\+?[1-9]\d{5,14}")
_BAD_TEMPLATE_TEXT = re.compile(r"[\n\t]| {5,}")
_LENGTH = "{what} length invalid. Min length: {low}, Max length: {high}"


def text_field(parent: Any, key: str, name: str, low: int, high: int, what: str) -> str:
    value = parent.get(key) if isinstance(parent, dict) else None
    if value is None or value == "":
        if low == 0:
            return ""
        raise required(name)
    if not isinstance(value, str):
        raise invalid(f"Param {name} must be a string.")
    if not low <= len(value) <= high:
        raise not_valid(_LENGTH.format(what=what, low=low, high=high))
    return value


def check_product(product: Any) -> None:
    if product is None or product == "":
        raise required("messaging_product")
    if product != "whatsapp":
        raise invalid(f'Param messaging_product must be one of {{WHATSAPP}} - got "{product}".')


def check_text(message: dict[str, Any]) -> None:
    text = message.get("text")
    if not isinstance(text, dict) or not isinstance(text.get("body"), str) or not text["body"]:
        raise required("text['body']")
    if len(text["body"]) > MAX_TEXT:
        raise invalid(f"Param text['body'] must be at most {MAX_TEXT} characters long.")
    if "preview_url" in text and not isinstance(text["preview_url"], bool):
        raise invalid("Param text['preview_url'] must be a boolean.")


def _check_unique(values: list[str], what: str) -> None:
    if len(set(values)) != len(values):
        raise not_valid(f"{what} is not unique")


def check_interactive(message: dict[str, Any]) -> None:
    interactive = message.get("interactive")
    if not isinstance(interactive, dict):
        raise required("interactive")
    kind = interactive.get("type")
    if kind not in ("button", "list"):
        raise invalid(f"Param interactive['type'] must be one of {{BUTTON, LIST}} - got {kind!r}.")
    for part in ("header", "footer"):
        if part in interactive:
            text_field(interactive[part], "text", f"interactive['{part}']['text']", 1, 60, part)
    body_max = 1024 if kind == "button" else MAX_TEXT
    text_field(interactive.get("body"), "text", "interactive['body']['text']", 1, body_max, "Body")
    action = interactive.get("action")
    if not isinstance(action, dict):
        raise required("interactive['action']")
    if kind == "button":
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            raise not_valid("Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3")
        for button in buttons:
            if not isinstance(button, dict) or button.get("type") != "reply":
                raise invalid("Param interactive['action']['buttons'][]['type'] must be 'reply'")
            reply = button.get("reply")
            text_field(reply, "id", "reply['id']", 1, 256, "Button id")
            text_field(reply, "title", "reply['title']", 1, 20, "Button title")
        _check_unique([b["reply"]["id"] for b in buttons], "Button id")
        _check_unique([b["reply"]["title"] for b in buttons], "Button title")
        return
    text_field(action, "button", "interactive['action']['button']", 1, 20, "Button text")
    sections = action.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
        raise not_valid("Invalid sections count. Min allowed sections: 1, Max allowed sections: 10")
    row_ids: list[str] = []
    for section in sections:
        if not isinstance(section, dict) or not isinstance(section.get("rows"), list):
            raise required("interactive['action']['sections'][]['rows']")
        if len(sections) > 1 or "title" in section:
            text_field(section, "title", "sections[]['title']", 1, 24, "Section title")
        for row in section["rows"]:
            row_ids.append(text_field(row, "id", "rows[]['id']", 1, 200, "Row id"))
            text_field(row, "title", "rows[]['title']", 1, 24, "Row title")
            text_field(row, "description", "rows[]['description']", 0, 72, "Row description")
    if not 1 <= len(row_ids) <= 10:
        raise not_valid("Total row count exceed max allowed count: 10")
    _check_unique(row_ids, "Row id")


def body_parameters(template: dict[str, Any]) -> list[Any]:
    components = template.get("components", [])
    if not isinstance(components, list):
        raise invalid("Param template['components'] must be an array.")
    parameters: list[Any] = []
    for component in components:
        if not isinstance(component, dict) or not isinstance(component.get("type"), str):
            raise required("template['components'][]['type']")
        if component["type"].lower() == "body":
            parameters.extend(component.get("parameters") or [])
    for parameter in parameters:
        if not isinstance(parameter, dict) or not isinstance(parameter.get("type"), str):
            raise required("template['components'][]['parameters'][]['type']")
        if parameter["type"] == "text":
            value = parameter.get("text")
            if not isinstance(value, str) or not value.strip():
                raise GraphError(131008, "Parameter text is required for a text parameter")
            if _BAD_TEMPLATE_TEXT.search(value):
                raise GraphError(132018, _TEMPLATE_TEXT)
    return parameters
