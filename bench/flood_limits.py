"""What bench/outbox_rate.py and bench/broadcast_rate.py share: a SQLite outbox, and the real
OutboxWorker and TelegramSender (config.yml's outbox and Telegram settings) sending to a fake
Bot API that enforces Telegram's flood limits (30 messages/s overall, 1/s per chat, 20/min per
group). The baseline is the allowed rate itself."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass

from telegram import Bot

from bot.channels.telegram import CHANNEL, TelegramSender
from bot.channels.telegram_http import AiohttpRequest
from bot.config_file import FileConfig
from bot.core.workers import OutboxWorker, RetryPolicy
from bot.storage.database import Database
from bot.storage.images import SqlImages
from bot.storage.outbox import SqlOutbox
from bot.storage.schema import upgrade
from tests.fakes.telegram_api import FakeTelegramApi

ALLOWED_PER_SECOND = 30
TARGET = 0.95


@contextlib.asynccontextmanager
async def sqlite_database() -> AsyncIterator[Database]:
    """A new database with the current schema, in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await upgrade(url)
        db = Database.connect(url)
        try:
            yield db
        finally:
            await db.close()


@dataclass(frozen=True)
class Limited:
    api: FakeTelegramApi
    worker: OutboxWorker

    def refused(self) -> int:
        """sendMessage calls answered 429 (the target is none)."""
        return sum(call.status == 429 for call in self.api.calls_to("sendMessage"))


@contextlib.asynccontextmanager
async def flood_limited(db: Database, config: FileConfig) -> AsyncIterator[Limited]:
    """The fake Bot API (flood limits on) and an outbox worker to send db's outbox to it."""
    async with FakeTelegramApi() as api:
        api.rate_limit(per_second=30, per_chat_per_second=1, per_group_per_minute=20)
        request = AiohttpRequest(connection_pool_size=64)
        async with Bot(api.token, base_url=api.base_url, request=request) as bot:
            limits = config.telegram
            sender = TelegramSender(
                bot,
                SqlImages(db),
                messages_per_second=limits.messages_per_second,
                chat_messages_per_second=limits.chat_messages_per_second,
                group_messages_per_minute=limits.group_messages_per_minute,
            )
            worker = OutboxWorker(
                SqlOutbox(db),
                {CHANNEL: sender},
                RetryPolicy(config.outbox.max_attempts, config.outbox.retry_base_seconds),
                poll_seconds=config.outbox.poll_seconds,
            )
            yield Limited(api, worker)


def verdict(rate: float, refused: int, also: str = "") -> str:
    """The ratio line both benchmarks end with."""
    return (
        f"ratio to Telegram's allowed {ALLOWED_PER_SECOND} msg/s: {rate / ALLOWED_PER_SECOND:.3f} "
        f"(target >= {TARGET}, with no 429{also}); 429 answers: {refused}"
    )
