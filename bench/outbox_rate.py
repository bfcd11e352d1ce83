"""The outbox against Telegram's flood limits: how close it sends to the allowed rate without a
single 429, on a fake Bot API that enforces 30 messages/s overall, 1/s per chat and 20/min per
group, as Telegram does.

    .venv/bin/python bench/outbox_rate.py [--chats 540] [--group-messages 15]

The baseline is the allowed rate itself, 30 messages/s; the run queues three replies to one
chat (1/s per chat), one to each of `--chats` private chats and `--group-messages` to one group
(20/min, spread through the queue as they would arrive), then lets the real OutboxWorker and
TelegramSender send them with config.yml's outbox settings (bench/flood_limits.py).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.flood_limits import (  # noqa: E402
    ALLOWED_PER_SECOND,
    TARGET,
    flood_limited,
    sqlite_database,
    verdict,
)
from bot.channels.telegram import CHANNEL  # noqa: E402
from bot.core.ports import Decision  # noqa: E402
from bot.core.types import Inbound, Outcome, Reply  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.storage.inbox import SqlInbox  # noqa: E402
from bot.storage.outbox import SqlOutbox  # noqa: E402

GROUP = -1001876543210
BUSY_CHAT = 6_900_000_000


async def queue(inbox: SqlInbox, chat: int, replies: int, serial: int) -> None:
    """Replies for the outbox worker (the ones the commit claims for sending at once are
    given back: here the worker sends everything)."""
    accepted = await inbox.accept(Inbound(CHANNEL, str(chat), f"bench-{serial}"))
    outcome = Outcome(replies=tuple(Reply(f"balasan {n}") for n in range(replies)))
    decision = Decision(outcome, None, "id", f"PL-{serial}", None)
    ready = await inbox.commit(accepted.message_id, decision)
    await SqlOutbox(inbox.db).release([reply.id for reply in ready], datetime.now(UTC))


async def main(chats: int, group_messages: int) -> int:
    config = load_settings(ROOT / "config.yml").config
    async with sqlite_database() as db:
        inbox = SqlInbox(db)
        # Group messages spread through the queue, as they arrive in life (1/s per chat).
        every = max(1, chats // max(1, group_messages))
        await queue(inbox, BUSY_CHAT, 3, 0)  # three replies to one chat: 1/s
        serial, total = 0, 3
        for index, chat in enumerate(range(7_000_000_000, 7_000_000_000 + chats)):
            serial += 1
            await queue(inbox, chat, 1, serial)
            total += 1
            if index % every == 0 and total - index - 4 < group_messages:
                serial += 1
                await queue(inbox, GROUP, 1, serial)
                total += 1
        async with flood_limited(db, config) as limited:
            started = time.monotonic()
            sending = asyncio.create_task(limited.worker.run())
            await limited.api.wait_for_messages(total, within=600)
            elapsed = time.monotonic() - started
            sending.cancel()
            refused = limited.refused()
    achieved = total / elapsed
    print(f"{total} messages in {elapsed:.1f} s: {achieved:.1f} msg/s")
    print(verdict(achieved, refused))
    return 0 if achieved / ALLOWED_PER_SECOND >= TARGET and not refused else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=540)
    parser.add_argument("--group-messages", type=int, default=15)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.chats, args.group_messages)))
