"""Telegram: python-telegram-bot 22, webhook (our aiohttp route) or PTB's own polling.

Both modes store each update in the inbox before anything else; the inbox worker processes it
after the acknowledgement. Replies go out through the outbox with TelegramSender, within
Telegram's flood limits.
"""

from __future__ import annotations

import hmac
import html
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Opt in to timedelta time periods (RetryAfter.retry_after) before PTB is imported.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.channels.body import parse_json, read_body
from bot.channels.telegram_http import AiohttpRequest
from bot.channels.text import Progress, split_text
from bot.channels.uploads import SendPicture, Uploads
from bot.core.background import BackgroundTasks
from bot.core.content import DEFAULT_LANGUAGE, Texts
from bot.core.errors import DeliveryError, ServiceUnavailable
from bot.core.images import Image
from bot.core.ports import Accepted, Images, Reception
from bot.core.ratelimit import KeyedWindows, SlidingWindow
from bot.core.types import PHOTO, Inbound, Location, Media, OutboundMessage, Receipt, Reply

CHANNEL = "telegram"
WEBHOOK_PATH = "/webhook/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "callback_query")
MAX_TEXT = 4096
# Telegram's command menu ("/" in the chat), in this order; each described by command.<name>.
MENU_COMMANDS = (
    "start", "lapor", "status", "saran", "petugas", "langganan", "berhenti", "evakuasi",
    "edukasi", "batal",
)  # fmt: skip
MAX_BODY = 256 * 1024
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BotIdentity:
    id: int
    username: str


def parse_update(update: Update, bot: BotIdentity) -> Inbound | None:
    """The citizen's message in an update, or None for updates the bot does not answer
    (edited messages, channel posts, group chatter not addressed to the bot)."""
    query = update.callback_query
    if query is not None:
        chat_id = query.message.chat.id if query.message else query.from_user.id
        return Inbound(
            CHANNEL,
            str(chat_id),
            f"callback:{query.id}",
            text=_string(query.data),
            display_name=query.from_user.full_name,
        )
    message = update.message
    if message is None:
        return None
    text = (_string(message.text) or _string(message.caption)).strip()
    if message.chat.type != ChatType.PRIVATE:
        if not _addressed_to_bot(message, bot):
            return None
        text = _without_mention(text, bot.username)
    return Inbound(
        CHANNEL,
        str(message.chat.id),
        f"{message.chat.id}:{message.message_id}",
        text=text,
        media=_attachments(message),
        location=_location(message),
        display_name=message.from_user.full_name if message.from_user else None,
    )


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _location(message: Message) -> Location | None:
    shared = message.location
    return Location.checked(shared.latitude, shared.longitude) if shared else None


# Attachments the bot cannot read; kept (officers see them) and answered with a request to type.
_OTHER_ATTACHMENTS = ("voice", "audio", "video", "video_note", "animation", "sticker", "document")


def _attachments(message: Message) -> tuple[Media, ...]:
    if message.photo:
        return (Media(PHOTO, message.photo[-1].file_id),)
    for kind in _OTHER_ATTACHMENTS:
        attachment = getattr(message, kind)
        if attachment is not None:
            return (Media(kind, attachment.file_id),)
    return ()


def _addressed_to_bot(message: Message, bot: BotIdentity) -> bool:
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    handle = f"@{bot.username}".lower()
    entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.BOT_COMMAND])
    entities |= message.parse_caption_entities([MessageEntity.MENTION])
    return any(value.lower().endswith(handle) for value in entities.values())


def _without_mention(text: str, username: str) -> str:
    handle = f"@{username}"
    if text.lower().startswith("/"):
        return text  # "/lapor@Bot" is understood by the command parser
    return " ".join(word for word in text.split() if word.lower() != handle.lower())


def render(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """HTML-escaped message parts; the buttons go with the last part as an inline keyboard."""
    # Telegram counts the text after parsing the markup, so escaping takes no room.
    parts = [html.escape(p, quote=False) for p in split_text(reply.text, MAX_TEXT, utf16=True)]
    keyboard = (
        InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.title, callback_data=b.payload)] for b in reply.buttons]
        )
        if reply.buttons
        else None
    )
    return [(part, keyboard if i == len(parts) - 1 else None) for i, part in enumerate(parts)]


class TelegramSender:
    """Sends outbox messages with sendMessage (sendPhoto for a picture), within Telegram's
    flood limits."""

    channel = CHANNEL

    def __init__(
        self,
        bot: Bot,
        images: Images,
        *,
        messages_per_second: int,
        chat_messages_per_second: int,
        group_messages_per_minute: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot = bot
        self.uploads = Uploads(images)
        self.clock = clock
        self._overall = SlidingWindow(messages_per_second, 1.0)
        self._chats = KeyedWindows(chat_messages_per_second, 1.0)  # every chat, groups too
        self._groups = KeyedWindows(group_messages_per_minute, 60.0)

    def try_reserve(self, message: OutboundMessage) -> bool:
        now = self.clock()
        windows = self._windows(message, now)
        if not all(window.allows(now) for window in windows):
            return False
        for window in windows:
            window.begin()
        return True

    def wait_seconds(self) -> float:
        return self._overall.wait(self.clock())

    def free_slots(self) -> int:
        return self._overall.free(self.clock())

    def _windows(self, message: OutboundMessage, now: float) -> list[SlidingWindow]:
        """The limits a send to this chat counts against: overall, the chat's, a group's."""
        windows = [self._overall, self._chats.window(message.chat_id, now)]
        if message.chat_id.startswith("-"):
            windows.append(self._groups.window(message.chat_id, now))
        return windows

    async def send(self, message: OutboundMessage) -> Receipt:
        """Sends a message reserved with try_reserve; its windows count it once answered."""
        parts = render(message.reply)
        if message.reply.image_id is not None:
            parts = parts[:1]  # the caption (at most MAX_CAPTION characters)
        try:
            await self._send(message, parts)
        finally:
            now = self.clock()
            for window in self._windows(message, now):
                window.end(now, len(parts))
        return Receipt()  # Telegram reports nothing back about sent messages

    async def _send(
        self, message: OutboundMessage, parts: list[tuple[str, InlineKeyboardMarkup | None]]
    ) -> None:
        if not message.chat_id.lstrip("-").isdigit():
            raise DeliveryError(f"not a Telegram chat id: {message.chat_id!r}", retryable=False)
        chat_id = int(message.chat_id)
        progress = Progress(message.parts_sent)
        try:
            if message.reply.image_id is not None:
                [(caption, keyboard)] = parts
                send = self._photo_to(chat_id, caption, keyboard)
                await self.uploads.send(message.reply.image_id, send)
                return

            async def send_part(part: tuple[str, InlineKeyboardMarkup | None]) -> None:
                text, keyboard = part
                await self.bot.send_message(
                    chat_id=chat_id, text=text, parse_mode=ParseMode.HTML, reply_markup=keyboard
                )

            await progress.send_rest(parts, send_part)
        except TelegramError as error:
            raise self._delivery_error(error, progress.sent) from None

    def _delivery_error(self, error: TelegramError, parts_sent: int) -> DeliveryError:
        if isinstance(error, RetryAfter):
            seconds = _seconds(error.retry_after)
            # Telegram's flood control covers the bot: pause every send until then.
            self._overall.pause_until(self.clock() + seconds)
            return DeliveryError(
                "rate limited by Telegram",
                retryable=True,
                retry_after=seconds,
                parts_sent=parts_sent,
            )
        if isinstance(error, Forbidden):
            return DeliveryError(f"forbidden: {error.message}", retryable=False, unreachable=True)
        if isinstance(error, TimedOut):
            # The message may have arrived: sending it again could duplicate it.
            return DeliveryError("timed out; delivery uncertain, not retried", retryable=False)
        if isinstance(error, BadRequest):
            return DeliveryError(f"rejected: {error.message}", retryable=False)
        if isinstance(error, NetworkError):
            return DeliveryError(
                f"network error: {error.message}", retryable=True, parts_sent=parts_sent
            )
        return DeliveryError(f"Telegram error: {error.message}", retryable=False)

    def _photo_to(
        self, chat_id: int, caption: str, keyboard: InlineKeyboardMarkup | None
    ) -> SendPicture:
        async def send(photo: str | Image) -> str:
            sent = await self.bot.send_photo(
                chat_id=chat_id,
                photo=photo if isinstance(photo, str) else photo.data,
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
            )
            return sent.photo[-1].file_id

        return send


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


class TelegramChannel:
    """Receives updates (webhook route or PTB polling) into the inbox."""

    def __init__(
        self,
        *,
        token: str,
        mode: str,
        webhook_url: str | None,
        webhook_secret: str | None,
        api_base_url: str,
        reception: Reception,
        on_accepted: Callable[[Accepted], None],
        texts: Texts,
    ) -> None:
        self.mode = mode
        self.texts = texts
        self.api_base_url = api_base_url
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.reception = reception
        self.on_accepted = on_accepted
        # Ours to close: PTB leaves them open when its initialisation fails.
        self._requests = (AiohttpRequest(), AiohttpRequest(connection_pool_size=1))
        builder = (
            Application.builder()
            .token(token)
            .base_url(api_base_url)
            .base_file_url(api_base_url.removesuffix("/bot") + "/file/bot")
            .request(self._requests[0])
            .get_updates_request(self._requests[1])
        )
        if mode == "webhook":
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_polled_update))
        self.identity = BotIdentity(0, "")
        self._background = BackgroundTasks()

    @property
    def bot(self) -> Bot:
        return self.application.bot

    async def start(self) -> None:
        """Connect to the Bot API; raises ServiceUnavailable naming the endpoint if it fails."""
        try:
            await self.application.initialize()
            await self._start()
        except TelegramError as error:
            raise ServiceUnavailable(
                f"Telegram Bot API at {self.api_base_url} is not usable: {error.message}"
            ) from None

    async def _start(self) -> None:
        me = self.bot
        self.identity = BotIdentity(me.id, me.username)
        await self.application.start()
        if self.mode == "polling":
            assert self.application.updater is not None
            await self.application.updater.start_polling(
                allowed_updates=list(ALLOWED_UPDATES), drop_pending_updates=False
            )
        elif self.webhook_url:
            await self.bot.set_webhook(
                self.webhook_url,
                secret_token=self.webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=False,
            )
        await self._set_command_menus()
        log.info("telegram channel started in %s mode as @%s", self.mode, me.username)

    async def _set_command_menus(self) -> None:
        """The "/" menu in the language of the citizen's Telegram app; Indonesian for others."""
        try:
            for language in self.texts.languages:
                commands = [
                    BotCommand(name, self.texts.get(language, f"command.{name}"))
                    for name in MENU_COMMANDS
                ]
                code = None if language == DEFAULT_LANGUAGE else language
                await self.bot.set_my_commands(commands, language_code=code)
        except TelegramError as error:  # the bot works without its menu
            log.warning("telegram: the command menu was not set: %s", error.message)

    async def stop(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self._background.cancel_all()
        for request in self._requests:
            await request.shutdown()

    async def fetch(self, ref: str) -> bytes:
        """A photo's bytes by its file_id (implements bot.core.ports.MediaSource)."""
        try:
            file = await self.bot.get_file(ref)
            return bytes(await file.download_as_bytearray())
        except TelegramError as error:
            raise DeliveryError(
                f"Telegram file {ref!r}: {error.message}", retryable=False
            ) from None

    def routes(self) -> Sequence[web.RouteDef]:
        return [web.post(WEBHOOK_PATH, self.webhook)] if self.mode == "webhook" else []

    async def webhook(self, request: web.Request) -> web.Response:
        secret = self.webhook_secret or ""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return _error(403, "secret token does not match")
        raw = await read_body(request, MAX_BODY)
        if raw is None:
            return _error(413, "update is too large")
        try:
            data = parse_json(raw)
            update = Update.de_json(data, self.bot) if isinstance(data, dict) else None
            inbound = parse_update(update, self.identity) if update is not None else None
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, OSError):
            # Wrong shapes; a `date` beyond the platform's time range fails in PTB's
            # datetime.fromtimestamp with OverflowError or OSError (which would read as a
            # backing service failing: 503).
            update = None
        if update is None:
            return _error(400, "body is not a Telegram update")
        await self._store(update, inbound)
        return web.json_response({"ok": True})

    async def accept(self, update: Update) -> None:
        """Store the update's message in the inbox; the worker answers it after."""
        await self._store(update, parse_update(update, self.identity))

    async def _store(self, update: Update, inbound: Inbound | None) -> None:
        if inbound is None:
            return
        self.on_accepted(await self.reception.accept(inbound))
        if update.callback_query is not None:
            self._background.start(self._answer_callback(update.callback_query.id))

    async def _on_polled_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.accept(update)

    async def _answer_callback(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramError as error:
            log.warning("answerCallbackQuery failed: %s", error.message)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)
