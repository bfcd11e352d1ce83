from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from bot.core import workers
from bot.core.errors import DeliveryError
from bot.core.types import DeliveryReport, OutboundMessage, Receipt, Reply
from bot.core.workers import OutboxWorker, RetryPolicy

POLICY = RetryPolicy(max_attempts=5, base_seconds=2.0)


def test_delay_grows_exponentially_within_the_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.core.workers.random.random", lambda: 0.0)
    assert [POLICY.delay(attempt, None) for attempt in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    monkeypatch.setattr("bot.core.workers.random.random", lambda: 1.0)
    assert [POLICY.delay(attempt, None) for attempt in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 16.0]


def test_delay_is_never_earlier_than_retry_after() -> None:
    for attempt in (1, 2, 3):
        assert POLICY.delay(attempt, 30.0) == 30.0


def test_delay_keeps_a_longer_backoff_than_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.core.workers.random.random", lambda: 1.0)
    assert POLICY.delay(6, 5.0) == 64.0


@dataclass
class FakeOutbox:
    messages: list[OutboundMessage]
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str, datetime | None]] = field(default_factory=list)
    parts_sent: dict[int, int] = field(default_factory=dict)
    asked_channels: list[tuple[str, ...]] = field(default_factory=list)
    unreachable: list[int] = field(default_factory=list)
    receipts: dict[int, Receipt] = field(default_factory=dict)
    released: list[int] = field(default_factory=list)
    limits: list[int] = field(default_factory=list)  # how many each pass asked for

    async def due(
        self, channels: Sequence[str], now: datetime, limit: int
    ) -> Sequence[OutboundMessage]:
        self.asked_channels.append(tuple(channels))
        self.limits.append(limit)
        return [m for m in self.messages if m.channel in channels][:limit]

    async def mark_sent(self, receipts: Mapping[int, Receipt], now: datetime) -> None:
        self.sent.extend(receipts)
        self.receipts.update(receipts)

    async def release(self, message_ids: Sequence[int], now: datetime) -> None:
        self.released.extend(message_ids)

    async def mark_failed(
        self, message_id: int, error: str, retry_at: datetime | None, parts_sent: int = 0
    ) -> None:
        self.failed.append((message_id, error, retry_at))
        self.parts_sent[message_id] = parts_sent

    async def mark_unreachable(self, message_id: int, error: str) -> None:
        self.unreachable.append(message_id)

    async def record_deliveries(
        self, reports: Sequence[DeliveryReport]
    ) -> Sequence[DeliveryReport]:
        raise AssertionError("the outbox worker never records deliveries")


@dataclass
class FakeSender:
    channel: str = "telegram"
    error: DeliveryError | None = None
    delivered: list[OutboundMessage] = field(default_factory=list)
    allowed: bool = True  # what the rate limiter says
    slots: int = 30  # free in the overall limit while allowed

    def try_reserve(self, message: OutboundMessage) -> bool:
        return self.allowed

    def wait_seconds(self) -> float:
        return 0.0 if self.allowed else 0.3

    def free_slots(self) -> int:
        return self.slots if self.allowed else 0

    async def send(self, message: OutboundMessage) -> Receipt:
        if self.error is not None:
            raise self.error
        self.delivered.append(message)
        return Receipt(external_id=f"ext-{message.id}")


def outbound(
    message_id: int = 1, attempts: int = 0, channel: str = "telegram", chat_id: str = "42"
) -> OutboundMessage:
    return OutboundMessage(
        id=message_id,
        channel=channel,
        chat_id=chat_id,
        reply=Reply("halo"),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        attempts=attempts,
    )


def worker(outbox: FakeOutbox, sender: FakeSender) -> OutboxWorker:
    return OutboxWorker(outbox, {sender.channel: sender}, POLICY, poll_seconds=0.01)


async def test_a_delivered_message_is_marked_sent() -> None:
    outbox = FakeOutbox([outbound(1), outbound(2, chat_id="43")])
    sender = FakeSender()

    assert await worker(outbox, sender).run_once() == 2

    assert outbox.sent == [1, 2]
    assert outbox.receipts == {1: Receipt("ext-1"), 2: Receipt("ext-2")}  # kept for statuses
    assert outbox.failed == []
    assert [m.id for m in sender.delivered] == [1, 2]
    assert outbox.asked_channels == [("telegram",)]


async def test_a_retryable_failure_is_retried_no_earlier_than_retry_after() -> None:
    outbox = FakeOutbox([outbound(1)])
    sender = FakeSender(error=DeliveryError("429 too many", retryable=True, retry_after=30))
    before = datetime.now(UTC)

    assert await worker(outbox, sender).run_once() == 0

    assert outbox.sent == []
    [(message_id, error, retry_at)] = outbox.failed
    assert message_id == 1
    assert error == "429 too many"
    assert retry_at is not None
    assert retry_at >= before + timedelta(seconds=30)
    assert retry_at <= datetime.now(UTC) + timedelta(seconds=31)


async def test_a_failure_part_way_keeps_the_parts_sent_for_the_retry() -> None:
    outbox = FakeOutbox([outbound(1)])
    sender = FakeSender(error=DeliveryError("131056 pair rate", retryable=True, parts_sent=1))

    await worker(outbox, sender).run_once()

    assert outbox.parts_sent == {1: 1}  # the retry sends only the part after it


async def test_a_retryable_failure_without_retry_after_backs_off() -> None:
    outbox = FakeOutbox([outbound(1, attempts=2)])
    sender = FakeSender(error=DeliveryError("timeout", retryable=True))
    before = datetime.now(UTC)

    await worker(outbox, sender).run_once()

    [(_, _, retry_at)] = outbox.failed
    assert retry_at is not None
    # Third attempt: 2 s * 2**2 = 8 s, jitter 50-100 %.
    assert before + timedelta(seconds=4) <= retry_at <= datetime.now(UTC) + timedelta(seconds=8)


async def test_a_non_retryable_failure_gives_up() -> None:
    outbox = FakeOutbox([outbound(1)])
    sender = FakeSender(error=DeliveryError("chat not found", retryable=False, retry_after=30))

    await worker(outbox, sender).run_once()

    assert outbox.failed == [(1, "chat not found", None)]
    assert outbox.sent == []


async def test_the_last_allowed_attempt_gives_up() -> None:
    outbox = FakeOutbox([outbound(1, attempts=POLICY.max_attempts - 1)])
    sender = FakeSender(error=DeliveryError("502", retryable=True))

    await worker(outbox, sender).run_once()

    assert outbox.failed == [(1, "502", None)]


async def test_attempts_beyond_max_attempts_give_up() -> None:
    outbox = FakeOutbox([outbound(1, attempts=POLICY.max_attempts + 3)])
    sender = FakeSender(error=DeliveryError("502", retryable=True, retry_after=1))

    await worker(outbox, sender).run_once()

    assert outbox.failed == [(1, "502", None)]


async def test_the_attempt_before_the_last_is_still_retried() -> None:
    outbox = FakeOutbox([outbound(1, attempts=POLICY.max_attempts - 2)])
    sender = FakeSender(error=DeliveryError("502", retryable=True))

    await worker(outbox, sender).run_once()

    [(_, _, retry_at)] = outbox.failed
    assert retry_at is not None


async def test_one_failure_does_not_stop_the_others() -> None:
    outbox = FakeOutbox([outbound(1, channel="whatsapp"), outbound(2)])
    failing = FakeSender(channel="whatsapp", error=DeliveryError("down", retryable=True))
    working = FakeSender()
    outbox_worker = OutboxWorker(
        outbox, {"whatsapp": failing, "telegram": working}, POLICY, poll_seconds=0.01
    )

    assert await outbox_worker.run_once() == 1

    assert outbox.sent == [2]
    assert [m for m, _, _ in outbox.failed] == [1]


async def test_no_senders_sends_nothing() -> None:
    outbox = FakeOutbox([outbound(1)])

    assert await OutboxWorker(outbox, {}, POLICY, poll_seconds=0.01).run_once() == 0

    assert outbox.asked_channels == []


async def test_an_unreachable_citizen_stops_the_retries() -> None:
    outbox = FakeOutbox([outbound(1)])
    error = DeliveryError("blocked", retryable=False, unreachable=True)

    assert await worker(outbox, FakeSender(error=error)).run_once() == 0

    assert outbox.unreachable == [1]
    assert outbox.failed == []


async def test_a_rate_limited_message_waits_for_the_next_pass() -> None:
    outbox = FakeOutbox([outbound(1)])
    sender = FakeSender(allowed=False)

    assert await worker(outbox, sender).run_once() == 0

    assert sender.delivered == []
    assert outbox.sent == []
    assert outbox.failed == []


async def test_one_chat_gets_one_message_per_pass_in_order() -> None:
    outbox = FakeOutbox([outbound(1), outbound(2), outbound(3, chat_id="7")])
    sender = FakeSender()

    assert await worker(outbox, sender).run_once() == 2

    assert [m.id for m in sender.delivered] == [1, 3]


async def test_replies_handed_over_are_sent_without_a_pass_in_order() -> None:
    outbox = FakeOutbox([])  # nothing due: the replies come from the inbox's commit
    sender = FakeSender()
    sending = worker(outbox, sender)
    first, second = outbound(1), outbound(2)

    sending.send_soon([first, second, outbound(3, channel="webchat")])
    sending.drain()
    await sending.run()  # returns once the hand-over is done

    assert outbox.sent == [1]
    assert outbox.released == [2]  # the chat's next message waits for the worker's pass
    assert sending.wake.is_set()
    assert outbox.asked_channels  # …which ran, and sent nothing more from this fake
    assert [m.id for m in sender.delivered] == [1]  # the web chat's reply is not the worker's


async def test_replies_handed_over_over_the_rate_limit_go_back_to_the_worker() -> None:
    outbox = FakeOutbox([])
    sending = worker(outbox, FakeSender(allowed=False))

    sending.send_soon([outbound(1)])
    sending.drain()
    await sending.run()

    assert outbox.sent == []
    assert outbox.released == [1]


def test_with_messages_held_back_the_next_pass_comes_when_the_limit_allows() -> None:
    sending = OutboxWorker(FakeOutbox([]), {"telegram": FakeSender()}, POLICY, poll_seconds=2.0)
    assert sending._pause() == 2.0  # nothing held back: the poll interval
    sending.backlog = 5
    assert sending._pause() == workers.RATE_LIMITED_PAUSE  # a per-chat limit: soon
    sending.senders = {"telegram": FakeSender(allowed=False)}
    assert sending._pause() == 0.3  # the overall limit frees a slot then


async def test_a_pass_claims_about_what_the_limits_let_go() -> None:
    outbox = FakeOutbox([outbound(n, chat_id=str(n)) for n in range(1, 501)])
    sender = FakeSender(slots=5)
    worker = OutboxWorker(outbox, {"telegram": sender}, POLICY, poll_seconds=1.0)
    await worker.run_once()
    assert outbox.limits == [5 + workers.CLAIM_SPARE]

    sender.allowed = False
    assert await worker.run_once() == 0
    assert outbox.limits[-1] == workers.CLAIM_SPARE  # no room: only whether any wait
    assert worker.backlog == workers.CLAIM_SPARE


async def test_after_a_pass_held_back_messages_it_had_room_for_the_next_claims_more() -> None:
    # The queue's head is one chat's: one message per pass, the rest of the room unused.
    one_chat = [outbound(n, chat_id="42") for n in range(1, 41)]
    others = [outbound(n, chat_id=str(n)) for n in range(41, 61)]
    outbox = FakeOutbox([*one_chat, *others])
    worker = OutboxWorker(outbox, {"telegram": FakeSender(slots=5)}, POLICY, poll_seconds=1.0)
    assert await worker.run_once(limit=200) == 1
    assert await worker.run_once(limit=200) > 1  # the whole queue looked at: others go too
    assert outbox.limits == [5 + workers.CLAIM_SPARE, 200]
