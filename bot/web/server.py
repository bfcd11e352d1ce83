"""The aiohttp application: web chat page and API, health and readiness checks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path

from aiohttp import web

from bot.core.images import MAX_IMAGE_BYTES
from bot.web.unavailable import unavailable_as_503

STATIC = Path(__file__).parent / "static"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
Check = Callable[[], Awaitable[None]]
Middleware = Callable[..., Awaitable[web.StreamResponse]]
MAX_BODY = 64 * 1024
MAX_UPLOAD = MAX_IMAGE_BYTES + MAX_BODY  # a picture and the form around it


SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:  # a raised answer (404, 403, 413…) is an answer too
        _secure(error)
        raise
    _secure(response)
    return response


def _secure(response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


@web.middleware
async def forwarded_client(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Behind the office's reverse proxy every request comes from the proxy: the client is the
    address it appended to X-Forwarded-For, the last one (any before it the client wrote)."""
    forwarded = request.headers.get("X-Forwarded-For", "").rsplit(",", 1)[-1].strip()
    if forwarded:
        request = request.clone(remote=forwarded)
    return await handler(request)


def uploads_to(paths: Collection[str]) -> Middleware:
    """Requests to these paths may carry a picture: MAX_UPLOAD bytes instead of MAX_BODY."""

    @web.middleware
    async def larger_body(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path in paths:
            request = request.clone(client_max_size=MAX_UPLOAD)
        return await handler(request)

    return larger_body


def create_app(
    routes: Iterable[web.RouteDef],
    readiness: Mapping[str, Check],
    webchat: bool = True,
    middlewares: Sequence[Middleware] = (),
    upload_paths: Collection[str] = (),
    behind_proxy: bool = False,
) -> web.Application:
    """`readiness` maps a dependency name to a check that raises when it is not usable;
    `middlewares` run inside the security headers (e.g. the dashboard's login check);
    `upload_paths` take bodies of up to MAX_UPLOAD bytes; `behind_proxy`: clients' addresses
    from X-Forwarded-For (the login throttle counts per address)."""
    proxied = [forwarded_client] if behind_proxy else []
    app = web.Application(
        middlewares=[
            security_headers,
            unavailable_as_503,
            uploads_to(upload_paths),
            *proxied,  # after uploads_to: its clone would drop the forwarded address
            *middlewares,
        ],
        client_max_size=MAX_BODY,
    )
    app.add_routes(list(routes))
    app.add_routes([web.get("/healthz", healthz), web.get("/readyz", _readyz(readiness))])
    app.add_routes([web.static("/static", STATIC)])
    if webchat:
        app.add_routes([web.get("/", index)])
    return app


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _readyz(readiness: Mapping[str, Check]) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def readyz(request: web.Request) -> web.Response:
        names = list(readiness)
        results = await asyncio.gather(
            *(asyncio.wait_for(readiness[name](), 5) for name in names), return_exceptions=True
        )
        checks = {
            name: "ok" if result is None else f"unavailable: {_reason(result)}"
            for name, result in zip(names, results, strict=True)
        }
        ready = all(value == "ok" for value in checks.values())
        return web.json_response(
            {"status": "ready" if ready else "degraded", "checks": checks},
            status=200 if ready else 503,
        )

    return readyz


def _reason(result: object) -> str:
    if isinstance(result, TimeoutError):
        return "timed out"
    return str(result) or result.__class__.__name__
