"""NluClient over Rasa's HTTP API (`POST /model/parse`, `GET /status`)."""

from __future__ import annotations

import asyncio
from pathlib import PurePosixPath
from types import TracebackType
from typing import Any, Self

import aiohttp
from prometheus_client import Histogram

from bot.core.errors import NluUnavailable
from bot.core.types import IntentScore, Parse

CLASSIFICATION_SECONDS = Histogram(
    "polres_classification_seconds",
    "Rasa /model/parse round trips (failed ones included)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)
# Below Sanic's 5 s keep-alive so we never reuse a socket the server is closing.
_KEEPALIVE_SECONDS = 4.0


class RasaClient:
    """Classifies texts with a running Rasa server; one keep-alive session, opened lazily."""

    def __init__(self, base_url: str, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self._parse_url = f"{self.base_url}/model/parse"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._model_version: str | None = None
        self._version_lock = asyncio.Lock()

    async def parse(self, text: str) -> Parse:
        with CLASSIFICATION_SECONDS.time():
            body = await self._request("POST", self._parse_url, {"text": text})
        version = self._model_version or await self._load_model_version()
        intent = body.get("intent") or {}
        return Parse(
            intent=intent.get("name") or "",
            confidence=float(intent.get("confidence") or 0.0),
            ranking=tuple(
                IntentScore(score["name"], float(score["confidence"]))
                for score in body.get("intent_ranking") or ()
            ),
            model_version=version,
        )

    async def status(self) -> dict[str, Any]:
        """Rasa's `/status` body; also refreshes the model version stamped on parses."""
        body = await self._request("GET", f"{self.base_url}/status")
        self._model_version = _model_version(body)
        return body

    async def ready(self) -> bool:
        """True when the server answers and has a model loaded."""
        try:
            return bool((await self.status()).get("model_file"))
        except NluUnavailable:
            return False

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _load_model_version(self) -> str | None:
        async with self._version_lock:
            if self._model_version is None:
                await self.status()
            return self._model_version

    async def _request(self, method: str, url: str, json: object = None) -> dict[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(keepalive_timeout=_KEEPALIVE_SECONDS),
            )
        try:
            async with self._session.request(method, url, json=json) as response:
                if response.status != 200:
                    reason = (await response.text())[:200]
                    raise self._unavailable(f"HTTP {response.status} {reason}")
                body: dict[str, Any] = await response.json()
                return body
        except TimeoutError as error:
            raise self._unavailable(f"no answer within {self._timeout.total:g} s") from error
        except (aiohttp.ClientError, ValueError) as error:
            raise self._unavailable(str(error) or type(error).__name__) from error

    def _unavailable(self, reason: str) -> NluUnavailable:
        one_line = " ".join(reason.split())
        return NluUnavailable(f"Rasa at {self.base_url} is not reachable: {one_line}")


def _model_version(status: dict[str, Any]) -> str | None:
    """`models/nlu-1a2b3c.tar.gz` → `nlu-1a2b3c`."""
    model_file = status.get("model_file")
    if not model_file:
        return None
    return PurePosixPath(str(model_file)).name.removesuffix(".tar.gz")
