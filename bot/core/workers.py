"""Background loops: the inbox worker (retries unprocessed messages) and the outbox sender."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.errors import DeliveryError, NluUnavailable
from bot.core.pipeline import Pipeline
from bot.core.ports import Accepted, Inbox, Outbox, Sender
from bot.core.ratelimit import KeyedWindows
from bot.core.types import OutboundMessage, Receipt

log = logging.getLogger(__name__)


class InboxWorker:
    """Processes every accepted message that is still unprocessed (after a crash, or while the
    NLU was down). Channels that answer at once (web chat) process their own messages too; the
    pipeline makes that safe."""

    def __init__(
        self,
        inbox: Inbox,
        pipeline: Pipeline,
        poll_seconds: float,
        on_processed: Callable[[], None] = lambda: None,
        concurrency: int = 8,
        citizen_messages_per_minute: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`citizen_messages_per_minute`: a citizen sending faster is answered at this pace
        (the rest waits in the inbox), so one flooding chat cannot slow the others."""
        self.inbox = inbox
        self.pipeline = pipeline
        self.poll_seconds = poll_seconds
        self.on_processed = on_processed  # e.g. wake the outbox worker
        self.concurrency = concurrency
        self.clock = clock
        self._pace = KeyedWindows(citizen_messages_per_minute, 60.0)
        self.wake = asyncio.Event()
        self.draining = False

    async def run_once(self, limit: int = 100) -> int:
        """Process pending messages, several citizens at a time (each citizen's in order:
        the pipeline's per-citizen lock is taken in arrival order)."""
        slots = asyncio.Semaphore(self.concurrency)

        async def one(item: Accepted) -> bool:
            async with slots:
                processed = await self.pipeline.process(item.message_id, item.citizen_id)
            if processed:
                self.on_processed()
            return processed

        now = self.clock()
        turn: list[Accepted] = []
        later: list[int] = []  # claimed, but this citizen is over their pace
        for item in await self.inbox.pending(limit):
            window = self._pace.window(str(item.citizen_id), now)
            if window.allows(now):
                window.record(now)
                turn.append(item)
            else:
                later.append(item.message_id)
        results = await asyncio.gather(*map(one, turn), return_exceptions=True)
        failed = [
            item.message_id
            for item, result in zip(turn, results, strict=True)
            if isinstance(result, BaseException)
        ]
        await self.inbox.release(later + failed)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return sum(bool(result) for result in results)

    async def run(self) -> None:
        """Until cancelled, or after `drain()` once nothing is left to do."""
        while True:
            done = 0
            try:
                done = await self.run_once()
            except NluUnavailable as error:
                log.warning("inbox waits: %s", error)
            except Exception:
                log.exception("inbox worker failed; retrying")
            if not done:
                if self.draining:
                    return
                await _sleep_or_wake(self.wake, self.poll_seconds)

    def drain(self) -> None:
        """Finish what is waiting now, then stop (a graceful shutdown)."""
        self.draining = True
        self.wake.set()


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter; never earlier than the platform's retry_after."""
        backoff = self.base_seconds * 2 ** (attempt - 1) * (0.5 + random.random() / 2)
        return float(max(backoff, retry_after or 0.0))


class OutboxWorker:
    """Sends outbound messages through the channel senders within their rate limits.

    Messages of one chat go out one at a time and in order; failures are retried with
    backoff; a platform's retry_after is honoured; an unreachable citizen stops the retries.
    """

    def __init__(
        self,
        outbox: Outbox,
        senders: Mapping[str, Sender],
        policy: RetryPolicy,
        poll_seconds: float,
        concurrency: int = 16,
    ) -> None:
        self.outbox = outbox
        self.senders = senders
        self.policy = policy
        self.poll_seconds = poll_seconds
        self.concurrency = concurrency
        self.wake = asyncio.Event()
        self.draining = False
        self.backlog = 0

    async def run_once(self, limit: int = 200) -> int:
        """One pass over the due messages; returns how many were sent."""
        if not self.senders:
            return 0
        due = await self.outbox.due(tuple(self.senders), datetime.now(UTC), limit)
        chats: set[tuple[str, str]] = set()
        batch: list[OutboundMessage] = []
        for message in due:
            chat = (message.channel, message.chat_id)
            if chat in chats:
                continue  # the chat's earlier message goes first
            chats.add(chat)
            if self.senders[message.channel].try_reserve(message):
                batch.append(message)
        limit_sends = asyncio.Semaphore(self.concurrency)

        async def send(message: OutboundMessage) -> Receipt | None:
            async with limit_sends:
                return await self._send(message)

        # Due but not tried in this pass (a chat's later message, or a rate limit): soon.
        self.backlog = len(due) - len(batch)
        results = await asyncio.gather(*map(send, batch))
        sent = {
            m.id: receipt for m, receipt in zip(batch, results, strict=True) if receipt is not None
        }
        if sent:
            await self.outbox.mark_sent(sent, datetime.now(UTC))
        # Given back only now, so that a chat's next message never overtakes this one.
        tried = {message.id for message in batch}
        await self.outbox.release([m.id for m in due if m.id not in tried], datetime.now(UTC))
        return len(sent)

    async def _send(self, message: OutboundMessage) -> Receipt | None:
        try:
            return await self.senders[message.channel].send(message)
        except DeliveryError as error:
            await self._failed(message, error)
            return None

    async def _failed(self, message: OutboundMessage, error: DeliveryError) -> None:
        attempt = message.attempts + 1
        log.warning("send of message %s failed (attempt %s): %s", message.id, attempt, error)
        if error.unreachable:
            await self.outbox.mark_unreachable(message.id, str(error))
            return
        retry_at = None
        if error.retryable and attempt < self.policy.max_attempts:
            delay = self.policy.delay(attempt, error.retry_after)
            retry_at = datetime.now(UTC) + timedelta(seconds=delay)
        await self.outbox.mark_failed(message.id, str(error), retry_at)

    async def run(self) -> None:
        """Until cancelled, or after `drain()` once nothing more can be sent now."""
        while True:
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("outbox worker failed; retrying")
                sent = 0
            if not sent:
                if self.draining and not self.backlog:
                    return
                await _sleep_or_wake(self.wake, self.poll_seconds)

    def drain(self) -> None:
        """Send what is due (within the rate limits), then stop (a graceful shutdown)."""
        self.draining = True
        self.wake.set()


async def _sleep_or_wake(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout=seconds)
    event.clear()
