"""InboxWorker.answer: a message is processed the moment it is accepted, when it may be."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pytest

from bot.core.content import Content, IntentTable
from bot.core.pipeline import Classifier, Pipeline
from bot.core.router import NluRules
from bot.core.types import Inbound
from bot.core.workers import InboxWorker
from handlers import HANDLERS
from tests.unit.core.pipeline_fakes import FakeInbox, FakeNlu


@pytest.fixture
def inbox() -> FakeInbox:
    return FakeInbox()


@pytest.fixture
def nlu() -> FakeNlu:
    nlu = FakeNlu()
    nlu.says("halo, selamat pagi", "greet", 0.95)
    return nlu


@pytest.fixture
def pipeline(
    inbox: FakeInbox,
    nlu: FakeNlu,
    content: Content,
    intents: IntentTable,
    nlu_rules: NluRules,
    priorities: Mapping[str, int],
) -> Pipeline:
    return Pipeline(inbox, Classifier(nlu, intents), content, HANDLERS, nlu_rules, priorities)


def halo(external_id: str, chat: str = "chat-1") -> Inbound:
    return Inbound("telegram", chat, external_id, "halo, selamat pagi")


async def test_a_claimed_message_is_answered_at_once(inbox: FakeInbox, pipeline: Pipeline) -> None:
    processed: list[int] = []
    worker = InboxWorker(
        inbox, pipeline, 60.0, on_processed=lambda replies: processed.append(len(replies))
    )
    accepted = await inbox.accept(halo("m-1"))

    assert await worker.answer(accepted)
    assert accepted.message_id in inbox.decisions
    assert processed == [1]  # the outbox worker is woken for the reply


async def test_a_message_behind_another_waits_for_the_worker_in_order(
    inbox: FakeInbox, pipeline: Pipeline
) -> None:
    worker = InboxWorker(inbox, pipeline, 60.0)
    first = await inbox.accept(halo("m-1"))
    second = await inbox.accept(halo("m-2"))
    assert not second.claimed

    assert not await worker.answer(second)
    assert worker.wake.is_set()
    worker.wake.clear()
    assert await worker.run_once() == 0  # its citizen's first message is claimed: not yet
    assert await worker.answer(first)
    assert worker.wake.is_set()  # the second can go now
    assert await worker.run_once() == 1
    assert list(inbox.decisions) == [first.message_id, second.message_id]


async def test_a_citizen_over_pace_is_answered_by_the_worker_later(
    inbox: FakeInbox, pipeline: Pipeline
) -> None:
    now = [0.0]
    worker = InboxWorker(inbox, pipeline, 60.0, citizen_messages_per_minute=1, clock=lambda: now[0])
    assert await worker.answer(await inbox.accept(halo("m-1")))
    paced = await inbox.accept(halo("m-2"))
    assert paced.claimed

    assert not await worker.answer(paced)
    assert paced.message_id in inbox.released
    assert await worker.run_once() == 0
    now[0] += 61
    assert await worker.run_once() == 1
    assert paced.message_id in inbox.decisions


async def test_a_duplicate_is_not_answered_again(inbox: FakeInbox, pipeline: Pipeline) -> None:
    worker = InboxWorker(inbox, pipeline, 60.0)
    accepted = await inbox.accept(halo("m-1"))
    worker.answer_soon(accepted)
    worker.answer_soon(await inbox.accept(halo("m-1")))
    worker.drain()
    await worker.run()  # returns once the answers in flight are done

    assert list(inbox.decisions) == [accepted.message_id]


async def test_drain_waits_for_answers_in_flight(
    inbox: FakeInbox, pipeline: Pipeline, nlu: FakeNlu
) -> None:
    worker = InboxWorker(inbox, pipeline, 60.0)
    slow = asyncio.Event()
    parse = nlu.parse

    async def slow_parse(text: str):  # type: ignore[no-untyped-def]
        await slow.wait()
        return await parse(text)

    nlu.parse = slow_parse  # type: ignore[method-assign]
    accepted = await inbox.accept(halo("m-1"))
    worker.answer_soon(accepted)
    worker.drain()
    stopping = asyncio.create_task(worker.run())
    await asyncio.sleep(0.05)
    assert not stopping.done()
    slow.set()
    await asyncio.wait_for(stopping, 5)
    assert accepted.message_id in inbox.decisions
