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
        seen: list[str | None] = []
        stop = asyncio.Event()

        async def keep_parsing() -> None:
            while not stop.is_set():
                seen.append((await nlu.parse("skck dong")).model_version)

        workers = [asyncio.create_task(keep_parsing()) for _ in range(4)]
        await asyncio.sleep(0.3)
        await nlu.switch(second)
        await asyncio.sleep(0.3)
        stop.set()
        await asyncio.gather(*workers)  # any failure would be raised here

        assert nlu.model.name == "nlu-second.tar.gz"
        assert seen[0] == "nlu-first"
        assert seen[-1] == "nlu-second"
        assert seen.index("nlu-second") > 0
        assert "nlu-first" not in seen[seen.index("nlu-second") + 8 :]  # no way back
        assert first_pid != nlu._current.server.pid
        await nlu.switch(second)  # already serving it: nothing happens
        assert nlu.model.name == "nlu-second.tar.gz"
    finally:
        await nlu.close()
