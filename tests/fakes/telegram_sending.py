"""The fake Telegram server's sending methods: sendMessage, sendPhoto, sendChatAction and
answerCallbackQuery, with what every send shares (blocked chats, flood control, the reply
target, the text's entities and the new Message)."""

from __future__ import annotations

import copy
import hashlib
import math
import secrets
import time
from collections.abc import Mapping
from typing import Any

from tests.fakes.telegram_api_base import TelegramApiBase
from tests.fakes.telegram_html import MarkupError, parse_html, strip_text, utf16_len
from tests.fakes.telegram_wire import (
    BOT_SENDER,
    CHAT_ACTIONS,
    DEFAULT_PHOTO_SIZE,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    PARSE_MODES,
    PHOTO_SIDES,
    ApiError,
    SentMessage,
    SentPhoto,
    UploadedFile,
    as_bool,
    as_int,
    bad_request,
    check_reply_markup,
    image_size,
    too_many_requests,
    unique_id,
)


class SendingMethods(TelegramApiBase):
    """sendMessage, sendPhoto, sendChatAction and answerCallbackQuery."""

    # -- what every send shares -------------------------------------------------------------

    def _check_blocked(self, chat: Mapping[str, Any]) -> None:
        if chat["id"] not in self._blocked:
            return
        description = self._blocked[chat["id"]]
        if description is None:
            description = {
                "private": "Forbidden: bot was blocked by the user",
                "group": "Forbidden: bot was kicked from the group chat",
                "supergroup": "Forbidden: bot was kicked from the supergroup chat",
                "channel": "Forbidden: bot is not a member of the channel chat",
            }.get(chat["type"], "Forbidden: bot was blocked by the user")
        raise ApiError(403, description)

    def _check_flood(self, chat: Mapping[str, Any]) -> None:
        limit = self._rate_limit
        if limit is None:
            return
        now = time.monotonic()
        while self._send_log and now - self._send_log[0][0] >= 60.0:
            self._send_log.popleft()

        def wait(times: list[float], window: float) -> int:
            return max(1, math.ceil(window - (now - times[0])))

        last_second = [t for t, _ in self._send_log if now - t < 1.0]
        if len(last_second) >= limit.per_second:
            raise too_many_requests(wait(last_second, 1.0))
        in_chat = [t for t, c in self._send_log if c == chat["id"] and now - t < 1.0]
        if len(in_chat) >= limit.per_chat_per_second:
            raise too_many_requests(wait(in_chat, 1.0))
        if limit.per_group_per_minute is not None and chat["type"] in ("group", "supergroup"):
            in_group = [t for t, c in self._send_log if c == chat["id"]]
            if len(in_group) >= limit.per_group_per_minute:
                raise too_many_requests(wait(in_group, 60.0))

    def _reply_target(
        self, chat: Mapping[str, Any], params: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = as_int(reply, "message_id")
            target = self._resolve_chat(reply) if reply.get("chat_id") else chat
            allow = as_bool(reply.get("allow_sending_without_reply", False))
        else:
            message_id = as_int(params, "reply_to_message_id")
            target = chat
            allow = as_bool(params.get("allow_sending_without_reply", False))
        if message_id is None:
            return None
        original = self._messages.get((int(target["id"]), message_id))
        if original is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        original = copy.deepcopy(original)
        original.pop("reply_to_message", None)  # Telegram does not nest replies further
        return original

    def _format(self, params: Mapping[str, Any], field_name: str) -> tuple[str, list[Any]]:
        raw = params.get(field_name)
        text = "" if raw is None else str(raw)
        given = params.get("entities" if field_name == "text" else f"{field_name}_entities")
        parse_mode = params.get("parse_mode")
        if isinstance(given, list):
            entities = [e for e in given if isinstance(e, dict)]
        elif parse_mode:
            if str(parse_mode).lower() not in PARSE_MODES:
                raise bad_request("unsupported parse_mode")
            try:
                html = str(parse_mode).lower() == "html"
                text, entities = parse_html(text) if html else (text, [])
            except MarkupError as error:
                raise bad_request(str(error)) from None
        else:
            entities = []
        return strip_text(text, entities)

    def _deliver(
        self, chat: dict[str, Any], params: Mapping[str, Any], content: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The part every send method shares once its own content is valid: reply_markup and
        the reply target checked, 403 for a blocked chat, flood control, then the new Message
        (with `content`), counted and remembered."""
        markup = check_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        self._check_blocked(chat)
        self._check_flood(chat)
        message = self._new_message(chat, params)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(content)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
        self._send_log.append((time.monotonic(), chat["id"]))
        self._messages[(chat["id"], message["message_id"])] = copy.deepcopy(message)
        return message

    @staticmethod
    def _sent_fields(params: dict[str, Any], message: Mapping[str, Any]) -> dict[str, Any]:
        """The fields of a `Sent` record for an accepted send."""
        parse_mode = params.get("parse_mode")
        return {
            "chat_id": message["chat"]["id"],
            "message_id": message["message_id"],
            "parse_mode": None if parse_mode is None else str(parse_mode),
            "reply_markup": copy.deepcopy(check_reply_markup(params.get("reply_markup"))),
            "params": params,
            "message": copy.deepcopy(dict(message)),
            "at": time.monotonic(),
        }

    def _new_message(self, chat: dict[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
        message_id = self._last_message_id.get(chat["id"], 0) + 1
        self._last_message_id[chat["id"]] = message_id
        message: dict[str, Any] = {"message_id": message_id}
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = copy.deepcopy(BOT_SENDER)
        message["chat"] = chat
        message["date"] = int(time.time())
        thread = as_int(params, "message_thread_id")
        if thread is not None:
            message["message_thread_id"] = thread
        return message

    # -- methods ----------------------------------------------------------------------------

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        text, entities = self._format(params, "text")
        if not text:
            raise bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        message = self._deliver(chat, params, content)
        fields = self._sent_fields(params, message)
        sent = SentMessage(**fields, text=str(params.get("text")))
        self._sent.append(sent)
        for watcher in self._message_watchers:
            watcher(sent)
        return message

    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        photo = params.get("photo")
        if isinstance(photo, UploadedFile):
            if not photo.data:
                raise bad_request("file must be non-empty")
            data, sizes = photo.data, self._photo_sizes(photo.data)
            file_id = sizes[-1]["file_id"]
        else:
            file_id = "" if photo is None else str(photo)
            data, sizes = self._known_photo(file_id)
        caption, entities = self._format(params, "caption")
        if utf16_len(caption) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        message = self._deliver(chat, params, content)
        for size in sizes:  # an upload's file_ids exist once it was sent
            self._files[size["file_id"]] = data
            self._photos[size["file_id"]] = copy.deepcopy(sizes)
        caption_sent = params.get("caption")
        self._sent_photos.append(
            SentPhoto(
                **self._sent_fields(params, message),
                caption=None if caption_sent is None else str(caption_sent),
                file_id=file_id,
                uploaded=isinstance(photo, UploadedFile),
                file_size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
        return message

    def _known_photo(self, file_id: str) -> tuple[bytes, list[dict[str, Any]]]:
        """The bytes and PhotoSize array of a file_id sent before (or of a file a user sent)."""
        if not file_id:
            raise bad_request("there is no photo in the request")
        if file_id in self._photos:
            return self._files[file_id], copy.deepcopy(self._photos[file_id])
        if file_id in self._files:
            return self._files[file_id], self._photo_sizes(self._files[file_id], file_id)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _photo_sizes(self, data: bytes, largest_id: str | None = None) -> list[dict[str, Any]]:
        """The PhotoSize array Telegram makes of a photo, smallest first, with new file_ids
        (the largest one's is `largest_id` when given)."""
        width, height = image_size(data) or DEFAULT_PHOTO_SIZE
        longest = max(width, height)
        sides = [side for side in PHOTO_SIDES if side < longest][:3]
        sizes = []
        for side in [*sides, min(longest, PHOTO_SIDES[-1])]:
            w, h = max(1, round(width * side / longest)), max(1, round(height * side / longest))
            file_id = f"AgACAgUAAxkDAAI{secrets.token_urlsafe(45)}"
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": unique_id(file_id),
                    "width": w,
                    "height": h,
                    "file_size": max(1, len(data) * w * h // (width * height)),
                }
            )
        if largest_id is not None:
            sizes[-1].update(file_id=largest_id, file_unique_id=unique_id(largest_id))
        return sizes

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        if not params.get("callback_query_id"):
            raise bad_request("QUERY_ID_INVALID")
        return True

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._check_blocked(chat)
        return True
