"""A switchable stand-in for a Rasa server: forwards to a real one, or answers 503 while `down`
(what a Rasa server that is restarting or loading a model looks like to its clients)."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from tests.fakes.local_server import LocalServer


class RasaProxy(LocalServer):
    def __init__(self, upstream: str) -> None:
        super().__init__()
        self.upstream = upstream.rstrip("/")
        self.down = False
        self.refused = 0  # requests answered 503 while down
        self._http: aiohttp.ClientSession | None = None

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._forward)
        return app

    async def start(self) -> None:
        await super().start()
        self._http = aiohttp.ClientSession()

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
        await super().close()

    async def _forward(self, request: web.Request) -> web.Response:
        if self.down:
            self.refused += 1
            return web.json_response({"status": "failure", "reason": "restarting"}, status=503)
        assert self._http is not None
        async with self._http.request(
            request.method, f"{self.upstream}{request.rel_url}", data=await request.read(),
            headers={"Content-Type": request.headers.get("Content-Type", "application/json")},
        ) as answer:  # fmt: skip
            return web.Response(
                status=answer.status, body=await answer.read(), content_type=answer.content_type
            )
