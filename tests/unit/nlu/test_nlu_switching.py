"""SwitchingNlu with the fake `rasa`: a model switch loses and stalls no request."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.nlu.switching import SwitchingNlu


async def test_a_switch_moves_traffic_without_a_failed_request(
    fake_rasa: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "nlu-first.tar.gz", tmp_path / "nlu-second.tar.gz"
    first.write_text("model one")
    second.write_text("model two")
    nlu = SwitchingNlu(fake_rasa, tmp_path, startup_timeout=60, request_timeout=10)
    await nlu.start(first)
    try:
        first_pid = nlu._current.server.pid
        seen: list[list[str | None]] = [[] for _ in range(4)]  # each worker's answers, in order
        after_switch: list[str | None] = []  # answers to parses sent once the switch was done
        switched, stop = asyncio.Event(), asyncio.Event()

        async def keep_parsing(answers: list[str | None]) -> None:
            while not stop.is_set():
                sent_after_switch = switched.is_set()
                answers.append((await nlu.parse("skck dong")).model_version)
                if sent_after_switch:
                    after_switch.append(answers[-1])

        workers = [asyncio.create_task(keep_parsing(answers)) for answers in seen]
        await asyncio.sleep(0.3)
        await nlu.switch(second)
        switched.set()
        await asyncio.sleep(0.3)
        stop.set()
        await asyncio.gather(*workers)  # any failure would be raised here

        assert nlu.model.name == "nlu-second.tar.gz"
        for answers in seen:
            assert answers[0] == "nlu-first"
            assert answers[-1] == "nlu-second"
            # No way back: a parse sent after one the new server answered goes to it too. (A
            # parse the old server is still answering may finish after others' new ones.)
            assert "nlu-first" not in answers[answers.index("nlu-second") :]
        assert after_switch
        assert set(after_switch) == {"nlu-second"}
        assert first_pid != nlu._current.server.pid
        await nlu.switch(second)  # already serving it: nothing happens
        assert nlu.model.name == "nlu-second.tar.gz"
    finally:
        await nlu.close()
