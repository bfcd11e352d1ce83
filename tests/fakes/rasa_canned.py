"""A Rasa server stand-in that classifies every text as one intent at once (`/model/parse`,
`/status`): for measuring the app tier without the NLU's own cost (bench/scale_out.py)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from aiohttp import web


class CannedRasa:
    def __init__(self, intent: str = "faq_skck", confidence: float = 0.97) -> None:
        self.intent = {"name": intent, "confidence": confidence}
        self.parses = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/model/parse", self._parse)
        app.router.add_get("/status", self._status)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _parse(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.parses += 1
        return web.json_response(
            {"text": body.get("text", ""), "intent": self.intent, "intent_ranking": [self.intent]}
        )

    async def _status(self, request: web.Request) -> web.Response:
        return web.json_response({"model_file": "canned.tar.gz", "num_active_training_jobs": 0})
