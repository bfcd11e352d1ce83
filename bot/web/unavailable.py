"""A backing service failing under a request (database restarting, Rasa gone) is answered with
503 and Retry-After, never a 500: Telegram and WhatsApp retry such a webhook later, and nothing
was acknowledged that was not stored."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import asyncpg  # type: ignore[import-untyped]
from aiohttp import web
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.core.errors import ServiceUnavailable

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
# asyncpg's own errors reach here unwrapped when PostgreSQL refuses a new connection (e.g.
# "the database system is shutting down" during a restart).
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    DBAPIError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    ServiceUnavailable,
    OSError,
)


@web.middleware
async def unavailable_as_503(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except UNAVAILABLE as error:
        log.error("%s %s: a backing service failed: %s", request.method, request.path,
                  type(error).__name__)  # fmt: skip
        return web.json_response(
            {"error": "temporarily unavailable, try again shortly"},
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
