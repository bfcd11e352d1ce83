"""Background loops: the inbox worker (retries unprocessed messages) and the outbox sender."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.background import BackgroundTasks
from bot.core.errors import DeliveryError, NluUnavailable
from bot.core.pipeline import Pipeline
from bot.core.ports import Accepted, Inbox, Outbox, Sender
from bot.core.ratelimit import KeyedWindows
from bot.core.types import OutboundMessage, Receipt

log = logging.getLogger(__name__)
# The shortest wait between passes while a rate limit holds messages back.
RATE_LIMITED_PAUSE = 0.05
# Claimed beyond the free slots, for messages a chat's own limit may hold back.
CLAIM_SPARE = 16


class InboxWorker:
    """Processes accepted messages: each at once when it arrives (`answer`), and in passes
    every message still unprocessed (one that waited behind its citizen's earlier message, or
    for the NLU, or whose process died). The pipeline makes a second try harmless."""

    def __init__(
        self,
        inbox: Inbox,
        pipeline: Pipeline,
        poll_seconds: float,
        on_processed: Callable[[Sequence[OutboundMessage]], None] = lambda replies: None,
        concurrency: int = 8,
        citizen_messages_per_minute: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`citizen_messages_per_minute`: a citizen sending faster is answered at this pace
        (the rest waits in the inbox), so one flooding chat cannot slow the others."""
        self.inbox = inbox
        self.pipeline = pipeline
        self.poll_seconds = poll_seconds
        self.on_processed = on_processed  # e.g. OutboxWorker.send_soon
        self.clock = clock
        self._pace = KeyedWindows(citizen_messages_per_minute, 60.0)
        self._slots = asyncio.Semaphore(concurrency)
        self._answering = BackgroundTasks()
        self._behind: set[int] = set()  # citizens with a message waiting behind one answered now
        self.wake = asyncio.Event()
        self.draining = False

    def answer_soon(self, accepted: Accepted) -> None:
        """`answer` in the background (after a webhook's acknowledgement)."""
        if not accepted.duplicate:
            self._answering.start(self._answer_logged(accepted))

    async def answer(self, accepted: Accepted) -> bool:
        """Process a message just accepted, at once when the inbox claimed it for us and its
        citizen is within pace; otherwise the worker's passes take it, in its citizen's order.
        True when it was processed now. Raises NluUnavailable (the message is released)."""
        if not accepted.claimed:
            self._behind.add(accepted.citizen_id)
            self.wake.set()
            return False
        now = self.clock()
        window = self._pace.window(str(accepted.citizen_id), now)
        if not window.allows(now):
            await self.inbox.release([accepted.message_id])
            self.wake.set()
            return False
        window.record(now)
        try:
            processed = await self._process(accepted)
        except Exception:
            await self.inbox.release([accepted.message_id])
            self.wake.set()
            raise
        if accepted.citizen_id in self._behind:
            # Their next message arrived meanwhile; the worker can take it now.
            self._behind.discard(accepted.citizen_id)
            self.wake.set()
        return processed

    async def _process(self, item: Accepted) -> bool:
        """Process a claimed message and hand its replies on; False if it was already done."""
        async with self._slots:
            replies = await self.pipeline.process(item.message_id, item.citizen_id)
        if replies is not None:
            self.on_processed(replies)
        return replies is not None

    async def _answer_logged(self, accepted: Accepted) -> None:
        try:
            await self.answer(accepted)
        except NluUnavailable as error:
            log.warning("message %s waits: %s", accepted.message_id, error)
        except Exception:
            log.exception("processing message %s failed; the worker retries", accepted.message_id)

    async def run_once(self, limit: int = 100) -> int:
        """Process pending messages, several citizens at a time (each citizen's in order:
        the pipeline's per-citizen lock is taken in arrival order)."""

        async def one(item: Accepted) -> bool:
            processed = await self._process(item)
            self._behind.discard(item.citizen_id)
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
            if not done and not await _rest(
                self.draining, self._answering, self.wake, self.poll_seconds
            ):
                return

    def drain(self) -> None:
        """Finish what is waiting now (and what is being answered), then stop."""
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
        self._held_back = False  # the last pass gave back messages it had room for
        self._sending = BackgroundTasks()

    def send_soon(self, messages: Sequence[OutboundMessage]) -> None:
        """Send messages claimed for us (a turn's replies, Inbox.commit) without waiting for
        a pass; messages of channels without a sender (the web chat) are not ours. With none
        (a turn's replies queued behind earlier messages), a pass looks at once."""
        mine = [message for message in messages if message.channel in self.senders]
        if mine:
            self._sending.start(self._send_claimed(mine))
        elif not messages:
            self.wake.set()

    async def _send_claimed(self, messages: Sequence[OutboundMessage]) -> None:
        try:
            _, left = await self._send_batch(messages)
        except Exception:
            log.exception("sending %s messages failed; the worker retries", len(messages))
            left = len(messages)
        if left:
            self.wake.set()

    async def run_once(self, limit: int = 200) -> int:
        """One pass over the due messages; returns how many were sent.

        Claims about as many as the rate limits let go now (a broadcast's queue is not
        claimed and given back in full every pass; with no room, the few that show whether
        any wait), or `limit` when the last pass had to hold back messages it had room for (a
        chat's own limit, or its earlier message)."""
        if not self.senders:
            return 0
        room = sum(sender.free_slots() for sender in self.senders.values())
        wanted = limit if self._held_back else min(limit, room + CLAIM_SPARE)
        due = await self.outbox.due(tuple(self.senders), datetime.now(UTC), wanted)
        sent, self.backlog = await self._send_batch(due)
        return sent

    async def _send_batch(self, due: Sequence[OutboundMessage]) -> tuple[int, int]:
        """Send claimed messages, each chat's first only, within the rate limits; give the
        others back. Returns (sent, given back)."""
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

        results = await asyncio.gather(*map(send, batch))
        sent = {
            m.id: receipt for m, receipt in zip(batch, results, strict=True) if receipt is not None
        }
        if sent:
            await self.outbox.mark_sent(sent, datetime.now(UTC))
        # Not tried (a chat's later message, or a rate limit): given back only now, so that a
        # chat's next message never overtakes this one.
        tried = {message.id for message in batch}
        left = [m.id for m in due if m.id not in tried]
        await self.outbox.release(left, datetime.now(UTC))
        self._held_back = bool(left) and any(s.free_slots() for s in self.senders.values())
        return len(sent), len(left)

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
        await self.outbox.mark_failed(message.id, str(error), retry_at, error.parts_sent)

    async def run(self) -> None:
        """Until cancelled, or after `drain()` once nothing more can be sent now."""
        while True:
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("outbox worker failed; retrying")
                sent = 0
            if not sent and not await _rest(
                self.draining and not self.backlog, self._sending, self.wake, self._pause()
            ):
                return

    def _pause(self) -> float:
        """Until the next pass: with messages held back by a rate limit, until the limit lets
        the next one go (a broadcast goes at the platform's full rate), else `poll_seconds`."""
        if not self.backlog:
            return self.poll_seconds
        wait = min(sender.wait_seconds() for sender in self.senders.values())
        return min(self.poll_seconds, max(RATE_LIMITED_PAUSE, wait))

    def drain(self) -> None:
        """Send what is due (within the rate limits), then stop (a graceful shutdown)."""
        self.draining = True
        self.wake.set()


async def _rest(
    draining: bool, tasks: BackgroundTasks, wake: asyncio.Event, seconds: float
) -> bool:
    """After a pass that did nothing: while draining, wait for the tasks still running (False
    once there are none: the worker stops); else sleep until woken or `seconds` have passed."""
    if draining:
        if not tasks.running:
            return False
        await tasks.finish()
        return True
    await _sleep_or_wake(wake, seconds)
    return True


async def _sleep_or_wake(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout=seconds)
    event.clear()
