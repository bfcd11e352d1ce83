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
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bench.flood_limits import (  # noqa: E402
    ALLOWED_PER_SECOND,
    TARGET,
    flood_limited,
    sqlite_database,
    verdict,
)
from bot.channels.telegram import CHANNEL  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.storage import models  # noqa: E402
from bot.storage.broadcasts import SqlBroadcasts  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.models import utcnow  # noqa: E402

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
    async with sqlite_database() as db:
        await subscribe(db, recipients)
        broadcasts = SqlBroadcasts(db)
        broadcast_id = await broadcasts.create(
            topic="info", texts={"id": "Pengumuman Polres"}, created_by="bench"
        )
        async with flood_limited(db, config) as limited:
            started = time.monotonic()
            await broadcasts.start_due()
            sending = asyncio.create_task(limited.worker.run())
            await limited.api.wait_for_messages(recipients, within=recipients / 10)
            elapsed = time.monotonic() - started
            limited.worker.drain()
            await sending
            refused = limited.refused()
            sent = Counter(m.chat_id for m in limited.api.sent_messages())
            twice = [chat for chat, n in sent.items() if n > 1]
        progress = await broadcasts.progress(broadcast_id)
    achieved = recipients / elapsed
    print(f"{recipients} recipients in {elapsed:.1f} s: {achieved:.1f} msg/s")
    if progress is not None:
        print(f"broadcast status {progress.status}: sent {progress.sent}, queued {progress.queued}")
    print(f"recipients sent twice: {len(twice)}")
    print(verdict(achieved, refused, " and nobody twice"))
    return 0 if achieved / ALLOWED_PER_SECOND >= TARGET and not refused and not twice else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.recipients)))
