"""A fake Telegram Bot API server speaking the real wire format, as python-telegram-bot 22 uses it.

`FakeTelegramApi` is an aiohttp server on 127.0.0.1 (a free port) that answers
``GET|POST /bot<token>/<method>`` like api.telegram.org does:

* parameters come from the query string, a JSON body, an urlencoded form or a multipart form.
  PTB's HTTPXRequest sends a form whose non-string values are JSON-encoded strings
  (``chat_id=42``, ``reply_markup={"inline_keyboard": ...}``); those are decoded, while the
  parameters Telegram reads as plain strings (``text``, ``parse_mode``, ...) are kept as sent;
* answers are ``{"ok": true, "result": ...}`` or
  ``{"ok": false, "error_code": N, "description": "...", "parameters": {"retry_after": S}}``
  with the matching HTTP status, which is what PTB turns into its exceptions;
* method names are case-insensitive, as in the Bot API.

Implemented methods: getMe, getUpdates (long polling), setWebhook, deleteWebhook,
getWebhookInfo, sendMessage, sendPhoto, answerCallbackQuery, sendChatAction, getFile,
setMyCommands and getMyCommands (the default scope only). Anything
else answers 404 "Not Found" (PTB: InvalidToken, or EndPointNotFound from ``do_api_request``)
unless a test `stub`s it.

Deliberate simplifications: message ids count per chat; parse_mode HTML is parsed into
entities (and rejected like Telegram rejects bad markup), Markdown/MarkdownV2 text is returned
as sent, without entities or checks; sent text gets no automatic url/mention/command entities.
sendPhoto takes any non-empty upload (its PhotoSize dimensions are read from a PNG or JPEG
header, else 1280x720; every size serves the uploaded bytes) and never fetches an HTTP URL
(it answers like an unknown file_id).

The fake is in parts: telegram_wire.py (constants, errors, records, parameter decoding),
telegram_api_base.py (state, HTTP dispatch, getMe and files, known chats), telegram_sending.py
(the send methods) and telegram_getting_updates.py (getUpdates and the webhook methods); this
module puts them together with the controls a test uses.
"""

from __future__ import annotations

import copy
import re
from collections import deque
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from tests.fakes.telegram_getting_updates import GettingUpdates
from tests.fakes.telegram_sending import SendingMethods
from tests.fakes.telegram_wire import (
    BOT_ID,
    BOT_USER,
    BOT_USERNAME,
    DEFAULT_TOKEN,
    MESSAGE_KEYS,
    ApiCall,
    ApiError,
    Fault,
    Handler,
    Method,
    RateLimit,
    S,
    Sent,
    SentMessage,
    SentPhoto,
    UploadedFile,
    WebhookConfig,
    bad_request,
    poll_until,
    too_many_requests,
)

# What a test works with: the bot's identity, the errors a stub may raise and the fake's records.
__all__ = [
    "BOT_ID",
    "BOT_USER",
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "FakeTelegramApi",
    "RateLimit",
    "Sent",
    "SentMessage",
    "SentPhoto",
    "UploadedFile",
    "WebhookConfig",
    "bad_request",
    "too_many_requests",
]


class FakeTelegramApi(SendingMethods, GettingUpdates):
    """A Bot API server for one bot. Use as ``async with FakeTelegramApi() as api:``.

    Point PTB at it with ``telegram.Bot(api.token, base_url=api.base_url)`` (or
    ``ApplicationBuilder().token(api.token).base_url(api.base_url)``).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        allow_http_webhook: bool = False,
    ) -> None:
        """`allow_http_webhook` lifts Telegram's HTTPS-on-80/88/443/8443 rule for setWebhook
        (for a test whose bot listens on plain http://127.0.0.1:PORT)."""
        super().__init__(token, host=host, allow_http_webhook=allow_http_webhook)
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
        }
        self._methods = {name.lower(): Method(name, handler) for name, handler in handlers.items()}

    # -- addresses --------------------------------------------------------------------------

    @property
    def token(self) -> str:
        return self._token

    @property
    def base_url(self) -> str:
        """PTB's base_url: PTB appends the token, then "/<method>"."""
        return f"{self.url}/bot"

    def add_file(self, file_id: str, content: bytes) -> None:
        """A file users sent (e.g. a photo): getFile describes it, /file/bot<token>/… serves it."""
        self._files[file_id] = content

    @property
    def bot_user(self) -> dict[str, Any]:
        return copy.deepcopy(BOT_USER)

    # -- the command menu -------------------------------------------------------------------

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON array")
        menu = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("command is invalid")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("command description is invalid")
            menu.append({"command": name, "description": description})
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        self.command_menus[language] = menu
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return copy.deepcopy(self.command_menus.get(str(params.get("language_code") or ""), []))

    # -- test controls ----------------------------------------------------------------------

    def queue_update(self, update: Mapping[str, Any]) -> int | None:
        """Queue an Update for getUpdates; returns its update_id (None if allowed_updates drops it).

        Telegram numbers updates itself: an update_id that is missing, or not above every id
        queued so far, is replaced by the next free one (so the same fixture can be queued twice).
        """
        data = copy.deepcopy(dict(update))
        update_id = data.get("update_id")
        if not isinstance(update_id, int) or update_id <= self._highest_update_id:
            update_id = self._highest_update_id + 1
        data["update_id"] = update_id
        self._highest_update_id = update_id
        self.learn_update(data)
        kind = next((key for key in data if key != "update_id"), None)
        if not self._is_allowed(kind):
            return None
        self._updates.append(data)
        self._pulse()
        return update_id

    def learn_update(self, update: Mapping[str, Any]) -> None:
        """Remember the chats and messages of an update without queueing it (e.g. an update a
        test posts to the bot's webhook), so replies to those messages resolve."""
        for key in MESSAGE_KEYS:
            if isinstance(update.get(key), dict):
                self._learn_message(update[key])
        callback = update.get("callback_query")
        if isinstance(callback, dict) and isinstance(callback.get("message"), dict):
            self._learn_message(callback["message"])
        for key in ("my_chat_member", "chat_member", "chat_join_request"):
            if isinstance(update.get(key), dict) and isinstance(update[key].get("chat"), dict):
                self._learn_chat(update[key]["chat"])

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Queued updates not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self._updates)

    def sent_messages(self, chat_id: int | str | None = None) -> list[SentMessage]:
        """Messages sendMessage accepted, oldest first, optionally for one chat."""
        return self._in_chat(self._sent, chat_id)

    def sent_photos(self, chat_id: int | str | None = None) -> list[SentPhoto]:
        """Photos sendPhoto accepted, oldest first, optionally for one chat."""
        return self._in_chat(self._sent_photos, chat_id)

    def _in_chat(self, records: list[S], chat_id: int | str | None) -> list[S]:
        if chat_id is None:
            return list(records)
        wanted = self._normalise_chat_id(chat_id)
        return [r for r in records if r.chat_id == wanted]

    def watch_messages(self, watcher: Callable[[SentMessage], None]) -> Callable[[], None]:
        """Call `watcher` with each message sendMessage accepts from now on (a benchmark sees
        each reply the moment it arrives); returns the call that stops watching."""
        self._message_watchers.append(watcher)
        return lambda: self._message_watchers.remove(watcher)

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method (any letter case), oldest first."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int = 3,
        description: str | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Answer the next `times` calls of `method` (after letting `after` through) with an
        error instead of handling them.

        429 answers "Too Many Requests: retry after N" with parameters.retry_after (PTB:
        RetryAfter); other statuses answer their HTTP phrase unless `description` is given
        (500 -> PTB NetworkError, 502 -> NetworkError, 400 -> BadRequest, 403 -> Forbidden,
        409 -> Conflict).
        """
        if status == 429:
            fault = Fault(
                429, description or f"Too Many Requests: retry after {retry_after}", retry_after
            )
        else:
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            fault = Fault(status, description or phrase, None)
        self._faults.setdefault(method.lower(), deque()).extend([None] * after + [fault] * times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next `times` calls of `method` for `seconds` before answering them.

        The call is still carried out after the delay, even if the client gave up meanwhile
        (as on Telegram: a timed-out sendMessage may have been delivered).
        """
        self._delays.setdefault(method.lower(), deque()).extend([seconds] * times)

    def block_chat(self, chat_id: int | str, description: str | None = None) -> None:
        """sendMessage / sendPhoto / sendChatAction to this chat answer 403 (user blocked the
        bot)."""
        self._blocked[self._normalise_chat_id(chat_id)] = description

    def unblock_chat(self, chat_id: int | str) -> None:
        self._blocked.pop(self._normalise_chat_id(chat_id), None)

    def rate_limit(
        self,
        per_second: int = 30,
        per_chat_per_second: int = 1,
        per_group_per_minute: int | None = 20,
    ) -> None:
        """Flood control like Telegram's: sendMessage or sendPhoto beyond these answers 429 with
        retry_after.

        Counted over the messages and photos accepted in the last second (all chats, one chat)
        and the last minute (one group or supergroup).
        """
        self._rate_limit = RateLimit(per_second, per_chat_per_second, per_group_per_minute)

    def disable_rate_limit(self) -> None:
        self._rate_limit = None

    def stub(self, method: str, result: Any | Callable[[dict[str, Any]], Any] = True) -> None:
        """Answer `method` (otherwise 404) with `result`, or with result(params) if callable
        (sync or async; it may raise ApiError)."""
        handler: Handler = result if callable(result) else (lambda _params: copy.deepcopy(result))
        self._methods[method.lower()] = Method(method, handler)

    def reset(self) -> None:
        """Forget calls, messages, photos, updates, faults, blocks, the rate limit and the
        webhook (files stay, so a file_id stays valid)."""
        self.calls.clear()
        self._sent.clear()
        self._sent_photos.clear()
        self._updates.clear()
        self._allowed_updates = None
        self.webhook = None
        self._faults.clear()
        self._delays.clear()
        self._blocked.clear()
        self._rate_limit = None
        self._send_log.clear()

    async def wait_for_calls(
        self, method: str, count: int = 1, *, within: float = 5.0
    ) -> list[ApiCall]:
        """Wait until `count` calls of `method` have been answered; returns them all.
        TimeoutError after `within` seconds."""

        def answered() -> list[ApiCall]:
            return [c for c in self.calls_to(method) if c.status is not None]

        return await poll_until(answered, count, within, f"{method} calls")

    async def wait_for_messages(
        self, count: int = 1, *, chat_id: int | str | None = None, within: float = 5.0
    ) -> list[SentMessage]:
        """Wait until `count` messages have been sent (to `chat_id`); returns them all.
        TimeoutError after `within` seconds."""
        return await poll_until(
            lambda: self.sent_messages(chat_id), count, within, "messages", lambda m: m.text
        )

    async def wait_for_photos(
        self, count: int = 1, *, chat_id: int | str | None = None, within: float = 5.0
    ) -> list[SentPhoto]:
        """Wait until `count` photos have been sent (to `chat_id`); returns them all.
        TimeoutError after `within` seconds."""
        return await poll_until(
            lambda: self.sent_photos(chat_id), count, within, "photos", lambda p: p.caption
        )
