"""parse_mode=HTML as Telegram parses it: text and entities, or the error Telegram answers."""

from __future__ import annotations

import re
from typing import Any


class MarkupError(ValueError):
    """Text Telegram refuses to parse (its 400 "can't parse entities: ..." description)."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_CHAR_REF = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z]+));?")
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTRIBUTE = re.compile(r"""([^\s=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=]+)))?""")


def _char_ref(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_REFS.get(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    return chr(code) if 0 < code < 0x10FFFF and not 0xD800 <= code <= 0xDFFF else None


def _unescape(value: str) -> str:
    return _CHAR_REF.sub(lambda m: _char_ref(m) or m.group(0), value)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Text and entities of parse_mode=HTML text; MarkupError where Telegram rejects it."""

    def fail(detail: str) -> MarkupError:
        return MarkupError(f"can't parse entities: {detail}")

    def byte_offset(pos: int) -> int:
        return len(source[:pos].encode())

    out: list[str] = []
    out_len = 0  # characters in out
    offset16 = 0  # UTF-16 code units in out, the unit of entity offsets
    stack: list[tuple[str, dict[str, Any] | None, int, int]] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        match = _CHAR_REF.match(source, i) if char == "&" else None
        decoded = _char_ref(match)
        if match is not None and decoded is not None:
            out.append(decoded)
            out_len += len(decoded)
            offset16 += utf16_len(decoded)
            i = match.end()
            continue
        if char != "<":
            out.append(char)
            out_len += 1
            offset16 += 2 if ord(char) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        at = f"at byte offset {byte_offset(begin)}"
        closing = source.startswith("/", i + 1)
        if closing and not stack:
            raise fail(f"Unexpected end tag {at}")
        j = i + 2 if closing else i + 1
        name_start = j
        while j < n and not source[j].isspace() and source[j] != ">":
            j += 1
        name = source[name_start:j].lower()
        if j >= n:
            raise fail(f"Unclosed {'end' if closing else 'start'} tag {at}")
        if not closing and name not in _HTML_TAGS:
            raise fail(f'Unsupported start tag "{name}" {at}')
        attributes_start, quote = j, ""
        while j < n and (quote or source[j] != ">"):
            if quote:
                quote = "" if source[j] == quote else quote
            elif source[j] in "\"'":
                quote = source[j]
            j += 1
        if j >= n or (closing and source[attributes_start:j].strip()):
            raise fail(f"Unclosed {'end' if closing else 'start'} tag {at}")
        attributes_text = source[attributes_start:j]
        i = j + 1
        if closing:
            tag, entity, start16, start_char = stack.pop()
            if name and name != tag:
                raise fail(f'Unmatched end tag {at}, expected "</{tag}>", found "</{name}>"')
            if entity is not None and offset16 > start16:
                if entity["type"] == "text_link" and not entity["url"]:
                    entity["url"] = "".join(out)[start_char:]
                entities.append({**entity, "offset": start16, "length": offset16 - start16})
            continue
        attributes = {
            m.group(1).lower(): _unescape(next((g for g in m.groups()[1:] if g is not None), ""))
            for m in _ATTRIBUTE.finditer(attributes_text)
        }
        new: dict[str, Any] = {"type": _HTML_TAGS[name]}
        pushed: dict[str, Any] | None = new
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise fail(f'Tag "span" must have class "tg-spoiler" {at}')
        if name == "a":
            new["url"] = attributes.get("href", "")
        elif name == "blockquote" and "expandable" in attributes:
            new["type"] = "expandable_blockquote"
        elif name == "tg-emoji":
            new["custom_emoji_id"] = attributes.get("emoji-id", "")
        elif name == "code" and stack and stack[-1][0] == "pre" and stack[-1][1] is not None:
            language = attributes.get("class", "")
            if language.startswith("language-"):
                stack[-1][1]["language"] = language.removeprefix("language-")
                pushed = None  # <pre><code class="language-x"> is one pre entity
        stack.append((name, pushed, offset16, out_len))
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram trims leading and trailing whitespace; entities move and shrink with it."""
    left = text.lstrip()
    shift = utf16_len(text[: len(text) - len(left)])
    result = left.rstrip()
    total = utf16_len(result)
    kept = []
    for entity in entities:
        start = max(int(entity["offset"]) - shift, 0)
        end = min(int(entity["offset"]) + int(entity["length"]) - shift, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return result, kept
