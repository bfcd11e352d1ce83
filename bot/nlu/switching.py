"""A managed Rasa server whose model can be replaced without a failed or stalled request.

Rasa stops answering while `PUT /model` loads a model, so a switch starts a second server with
the new model, moves traffic to it once it has answered a parse, and stops the old server when
its last request is answered.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.errors import PolresError
from bot.core.types import Parse
from bot.nlu.client import RasaClient
from bot.nlu.server import ManagedRasaServer

log = logging.getLogger(__name__)
WARM_UP_TEXT = "halo"


@dataclass
class _Serving:
    server: ManagedRasaServer
    client: RasaClient
    in_flight: int = 0
    idle: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def model(self) -> Path:
        return self.server.model_path

    async def close(self) -> None:
        await self.client.close()
        await self.server.stop()


class SwitchingNlu:
    """NluClient over a managed Rasa server; `switch` replaces its model without a pause."""

    def __init__(
        self,
        rasa_executable: Path | str,
        log_dir: Path,
        *,
        startup_timeout: float,
        request_timeout: float,
    ) -> None:
        self.rasa_executable = rasa_executable
        self.log_dir = log_dir
        self.startup_timeout = startup_timeout
        self.request_timeout = request_timeout
        self._serving: _Serving | None = None
        self._switch_lock = asyncio.Lock()

    @property
    def model(self) -> Path:
        return self._current.model

    @property
    def base_url(self) -> str:
        return self._current.client.base_url

    async def start(self, model: Path) -> None:
        self._serving = await self._launch(model)

    async def switch(self, model: Path) -> None:
        """Serve `model` from now on; requests already sent to the old model finish there."""
        async with self._switch_lock:
            if self._serving is not None and self._serving.model.name == model.name:
                return
            new = await self._launch(model)
            old, self._serving = self._serving, new
            log.info("NLU switched to %s", model.name)
            if old is not None:
                await self._retire(old)

    async def parse(self, text: str) -> Parse:
        serving = self._current
        serving.in_flight += 1
        try:
            return await serving.client.parse(text)
        finally:
            serving.in_flight -= 1
            if serving.in_flight == 0:
                serving.idle.set()

    async def status(self) -> dict[str, Any]:
        return await self._current.client.status()

    async def close(self) -> None:
        if self._serving is not None:
            await self._serving.close()
            self._serving = None

    @property
    def _current(self) -> _Serving:
        if self._serving is None:
            raise PolresError("the NLU server has not been started")
        return self._serving

    async def _launch(self, model: Path) -> _Serving:
        log_path = self.log_dir / f"rasa-{model.name.removesuffix('.tar.gz')}.log"
        server = ManagedRasaServer(
            self.rasa_executable, model, log_path, startup_timeout=self.startup_timeout
        )
        await server.start()
        client = RasaClient(server.url, timeout=self.request_timeout)
        try:
            await client.parse(WARM_UP_TEXT)  # the first parse is slow: not a citizen's
        except BaseException:
            await client.close()
            await server.stop()
            raise
        return _Serving(server, client)

    async def _retire(self, old: _Serving) -> None:
        """Stop the old server once its requests are answered (at most one request timeout)."""
        if old.in_flight:
            old.idle.clear()
            try:
                await asyncio.wait_for(old.idle.wait(), self.request_timeout)
            except TimeoutError:
                log.warning("stopping the old NLU server with %s requests open", old.in_flight)
        await old.close()
