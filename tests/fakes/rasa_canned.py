"""A Rasa server stand-in that classifies every text as one intent at once (`/model/parse`,
`/status`): for measuring the app tier without the NLU's own cost (bench/scale_out.py)."""

from __future__ import annotations

from aiohttp import web

from tests.fakes.local_server import LocalServer


class CannedRasa(LocalServer):
    def __init__(self, intent: str = "faq_skck", confidence: float = 0.97) -> None:
        super().__init__()
        self.intent = {"name": intent, "confidence": confidence}
        self.parses = 0

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/model/parse", self._parse)
        app.router.add_get("/status", self._status)
        return app

    async def _parse(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.parses += 1
        return web.json_response(
            {"text": body.get("text", ""), "intent": self.intent, "intent_ranking": [self.intent]}
        )

    async def _status(self, request: web.Request) -> web.Response:
        return web.json_response({"model_file": "canned.tar.gz", "num_active_training_jobs": 0})
