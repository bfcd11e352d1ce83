"""Several Rasa servers (RASA_URL=http://a:5005,http://b:5005) used round-robin; a server that
fails is skipped for a cool-down, then tried again — a request fails only when all do."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from bot.core.errors import NluUnavailable
from bot.core.types import Parse
from bot.nlu.client import RasaClient

T = TypeVar("T")


class RasaPool:
    def __init__(
        self,
        urls: Sequence[str],
        timeout: float = 10,
        cooldown: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not urls:
            raise ValueError("a Rasa pool needs at least one URL")
        self.clients = [RasaClient(url, timeout=timeout) for url in urls]
        self.cooldown = cooldown
        self.clock = clock
        self._next = 0
        self._down_until: dict[int, float] = {}

    @property
    def base_url(self) -> str:
        return self.clients[0].base_url

    async def parse(self, text: str) -> Parse:
        return await self._first_answer(lambda client: client.parse(text))

    async def status(self) -> dict[str, Any]:
        """The status of a server that answers (readiness: at least one is usable)."""
        return await self._first_answer(lambda client: client.status())

    async def close(self) -> None:
        for client in self.clients:
            await client.close()

    async def _first_answer(self, call: Callable[[RasaClient], Awaitable[T]]) -> T:
        failure: NluUnavailable | None = None
        for index in self._rotation():
            try:
                answer = await call(self.clients[index])
            except NluUnavailable as error:
                self._down_until[index] = self.clock() + self.cooldown
                failure = error
                continue
            self._down_until.pop(index, None)
            return answer
        assert failure is not None
        if len(self.clients) == 1:
            raise failure
        raise NluUnavailable(f"none of {len(self.clients)} Rasa servers answered; last: {failure}")

    def _rotation(self) -> list[int]:
        """Servers in round-robin order, those cooling down after a failure last."""
        start = self._next
        self._next = (self._next + 1) % len(self.clients)
        order = [(start + step) % len(self.clients) for step in range(len(self.clients))]
        now = self.clock()
        up = [i for i in order if self._down_until.get(i, 0.0) <= now]
        return up + [i for i in order if i not in up]
