"""A broadcast to 10,000 subscribers against Telegram's flood limits: how close to the allowed
rate it goes, with no 429 and no recipient twice.

    .venv/bin/python bench/broadcast_rate.py [--recipients 10000]

The baseline is the allowed rate itself (30 messages/s overall on a fake Bot API that enforces
Telegram's limits); the run stores the subscribers, starts the broadcast as `polres serve`
does (SqlBroadcasts.start_due) and lets the real OutboxWorker and TelegramSender send it with
the outbox settings of config.yml. Target: >= 0.95 of the allowed rate, zero 429s, every
subscriber exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from telegram import Bot  # noqa: E402

from bot.channels.telegram import CHANNEL, TelegramSender  # noqa: E402
from bot.channels.telegram_http import AiohttpRequest  # noqa: E402
from bot.core.workers import OutboxWorker, RetryPolicy  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.storage import models  # noqa: E402
from bot.storage.broadcasts import SqlBroadcasts  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.images import SqlImages  # noqa: E402
from bot.storage.models import utcnow  # noqa: E402
from bot.storage.outbox import SqlOutbox  # noqa: E402
from bot.storage.schema import upgrade  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramApi  # noqa: E402

ALLOWED_PER_SECOND = 30
TARGET = 0.95
FIRST_CHAT = 7_100_000_000


async def subscribe(db: Database, recipients: int) -> None:
    now = utcnow()
    chats = range(FIRST_CHAT, FIRST_CHAT + recipients)
    async with db.transaction() as connection:
        ids = await connection.scalars(
            insert(models.Citizen).returning(models.Citizen.id, sort_by_parameter_order=True),
            [
                {"channel": CHANNEL, "chat_id": str(chat), "language": "id", "created_at": now}
                for chat in chats
            ],
        )
        await connection.execute(
            insert(models.Subscription),
            [{"citizen_id": id_, "topic": "info", "consented_at": now} for id_ in ids],
        )


async def main(recipients: int) -> int:
    config = load_settings(ROOT / "config.yml").config
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await upgrade(url)
        db = Database.connect(url)
        await subscribe(db, recipients)
        broadcasts = SqlBroadcasts(db)
        broadcast_id = await broadcasts.create(
            topic="info", texts={"id": "Pengumuman Polres"}, created_by="bench"
        )
        async with FakeTelegramApi() as api:
            api.rate_limit(per_second=30, per_chat_per_second=1, per_group_per_minute=20)
            bot = Bot(
                api.token, base_url=api.base_url, request=AiohttpRequest(connection_pool_size=64)
            )
            await bot.initialize()
            sender = TelegramSender(
                bot,
                SqlImages(db),
                messages_per_second=config.telegram.messages_per_second,
                chat_messages_per_second=config.telegram.chat_messages_per_second,
                group_messages_per_minute=config.telegram.group_messages_per_minute,
            )
            worker = OutboxWorker(
                SqlOutbox(db),
                {CHANNEL: sender},
                RetryPolicy(config.outbox.max_attempts, config.outbox.retry_base_seconds),
                poll_seconds=config.outbox.poll_seconds,
            )
            started = time.monotonic()
            await broadcasts.start_due()
            sending = asyncio.create_task(worker.run())
            await api.wait_for_messages(recipients, within=recipients / 10)
            elapsed = time.monotonic() - started
            worker.drain()
            await sending
            refused = [call for call in api.calls_to("sendMessage") if call.status == 429]
            twice = [
                chat for chat, n in Counter(m.chat_id for m in api.sent_messages()).items() if n > 1
            ]
            await bot.shutdown()
        progress = await broadcasts.progress(broadcast_id)
        await db.close()
    achieved = recipients / elapsed
    ratio = achieved / ALLOWED_PER_SECOND
    print(
        f"{recipients} recipients in {elapsed:.1f} s: {achieved:.1f} msg/s, "
        f"429 answers: {len(refused)}, recipients sent twice: {len(twice)}"
    )
    if progress is not None:
        print(f"broadcast status {progress.status}: sent {progress.sent}, queued {progress.queued}")
    print(
        f"ratio to Telegram's allowed {ALLOWED_PER_SECOND} msg/s: {ratio:.3f} "
        f"(target >= {TARGET}, with no 429 and nobody twice)"
    )
    return 0 if ratio >= TARGET and not refused and not twice else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.recipients)))
