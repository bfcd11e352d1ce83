"""Reading a webhook's body whole, within a size limit, and its JSON."""

from __future__ import annotations

import json

from aiohttp import web


async def read_body(request: web.Request, limit: int) -> bytes | None:
    """The whole body, or None when it is larger than `limit` bytes (answer 413).

    A stream read returns what has arrived so far, so the body is read until its end."""
    if request.content_length is not None and request.content_length > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> object:
    """The JSON document in a body; ValueError for anything else (bad bytes, bad JSON, or
    nesting too deep for the parser)."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
