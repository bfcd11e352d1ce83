"""The WhatsApp Cloud API calls the bot makes (Graph API): send a message or a read receipt,
upload and download media; its error objects as GraphError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp

from bot.core.errors import DeliveryError
from bot.core.images import Image

# Graph API error codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
REENGAGEMENT = 131047  # more than 24 h since the citizen's last message: template only
RATE_LIMITS = frozenset({4, 80007, 130429, 131048, 131056})  # slow down and retry
TEMPORARY = frozenset({1, 2, 131000, 131016})  # unknown / service unavailable: retry
UNREACHABLE = frozenset({131026, 131021, 131030})  # not on WhatsApp, cannot be messaged
PAIR_RATE = 131056  # this citizen was sent too many messages: about 1 per 6 s
THROUGHPUT = 130429


class GraphError(Exception):
    """An error object the Graph API answered (or an HTTP status without one)."""

    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(f"{code or status}: {message}")
        self.status = status
        self.code = code


class GraphApi:
    """The calls the bot makes: send a message (or a read receipt), upload and download media."""

    def __init__(self, base_url: str, phone_number_id: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.messages_url = f"{self.base_url}/{phone_number_id}/messages"
        self.media_url = f"{self.base_url}/{phone_number_id}/media"
        self._headers = {"Authorization": f"Bearer {token}"}
        self._http: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        timeout = aiohttp.ClientTimeout(total=30, connect=10)
        self._http = aiohttp.ClientSession(timeout=timeout, headers=self._headers)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None:
            raise RuntimeError("GraphApi.open() was not awaited")
        return self._http

    async def post_message(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """POST /{phone-number-id}/messages; raises GraphError or DeliveryError (network)."""
        return await self._post(self.messages_url, json=payload)

    async def upload(self, image: Image) -> str:
        """POST /{phone-number-id}/media: the media id to send the picture by."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", image.mime)
        form.add_field("file", image.data, filename=image.filename, content_type=image.mime)
        media_id = (await self._post(self.media_url, data=form)).get("id")
        if not isinstance(media_id, str):
            raise DeliveryError("media upload: no media id in the answer", retryable=True)
        return media_id

    async def _post(self, url: str, **body: Any) -> dict[str, Any]:
        try:
            async with self.http.post(url, **body) as response:
                return await _answer(response)
        except aiohttp.ConnectionTimeoutError:
            raise DeliveryError("could not connect in time", retryable=True) from None
        except TimeoutError:
            # The message may have arrived: sending it again could duplicate it.
            raise DeliveryError(
                "timed out; delivery uncertain, not retried", retryable=False
            ) from None
        except aiohttp.ClientError as error:
            raise DeliveryError(f"network error: {type(error).__name__}", retryable=True) from None

    async def download(self, media_id: str) -> bytes:
        """A media file: its URL from GET /{media-id}, then the bytes (both need the token)."""
        try:
            async with self.http.get(f"{self.base_url}/{media_id}") as response:
                url = (await _answer(response)).get("url")
            if not isinstance(url, str):
                raise DeliveryError(f"media {media_id!r}: no download URL", retryable=False)
            async with self.http.get(url) as response:
                response.raise_for_status()
                return await response.read()
        except GraphError as error:
            raise DeliveryError(f"media {media_id!r}: {error}", retryable=False) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryError(
                f"media {media_id!r}: {type(error).__name__}", retryable=True
            ) from None


async def _answer(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        body = await response.json(content_type=None)
    except ValueError:
        body = None
    if response.status < 400 and isinstance(body, dict):
        return body
    error = json_dict(json_dict(body).get("error"))
    code = error.get("code")
    message = json_str(error.get("message")) or response.reason or "error"
    raise GraphError(response.status, code if isinstance(code, int) else None, message)


def json_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def json_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def json_str(value: object) -> str:
    return value if isinstance(value, str) else ""
