"""A switchable stand-in for a Rasa server: forwards to a real one, or answers 503 while `down`
(what a Rasa server that is restarting or loading a model looks like to its clients)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import aiohttp
from aiohttp import web


class RasaProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.down = False
        self.refused = 0  # requests answered 503 while down
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self.url = ""

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        self._http = aiohttp.ClientSession()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

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
