"""Batcher: concurrent calls grouped into one run, failures kept to their own caller."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.storage.batching import Batcher


class Recorder:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.running = asyncio.Event()

    async def run(self, items: Sequence[str]) -> list[str]:
        self.batches.append(list(items))
        self.running.set()
        await asyncio.sleep(0.01)  # a transaction takes a while
        if "bad" in items:
            raise ValueError("bad item")
        return [item.upper() for item in items]


async def test_concurrent_calls_share_one_run() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run)

    results = await asyncio.gather(*(batcher(f"m{n}") for n in range(10)))

    assert results == [f"M{n}" for n in range(10)]
    assert recorder.batches == [[f"m{n}" for n in range(10)]]


async def test_calls_arriving_during_a_run_form_the_next_one() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run)
    first = asyncio.create_task(batcher("m0"))
    await recorder.running.wait()

    later = await asyncio.gather(*(batcher(f"m{n}") for n in range(1, 6)))

    assert await first == "M0"
    assert later == [f"M{n}" for n in range(1, 6)]
    assert recorder.batches == [["m0"], [f"m{n}" for n in range(1, 6)]]


async def test_a_lone_call_runs_at_once_each_time() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run)
    assert await batcher("a") == "A"
    assert await batcher("b") == "B"
    assert recorder.batches == [["a"], ["b"]]


async def test_a_failing_item_fails_only_its_own_caller() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run)

    results = await asyncio.gather(
        batcher("first"), batcher("x"), batcher("bad"), batcher("y"), return_exceptions=True
    )

    assert results[0] == "FIRST"
    assert results[1] == "X"
    assert isinstance(results[2], ValueError)
    assert results[3] == "Y"
    # The failed run was retried item by item.
    items = ["first", "x", "bad", "y"]
    assert recorder.batches == [items, *([item] for item in items)]


async def test_a_cancelled_caller_does_not_cancel_its_item() -> None:
    recorder = Recorder()
    batcher = Batcher(recorder.run)
    first = asyncio.create_task(batcher("keep"))
    await asyncio.sleep(0)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await batcher("next") == "NEXT"
    assert recorder.batches == [["keep"], ["next"]]
