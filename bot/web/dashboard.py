"""The officers' dashboard: login, the ticket queue, ticket views and (admins) user accounts.

Pages are rendered server-side with Jinja2 autoescaping, so citizen text is always shown as text.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.core.errors import InvalidInput
from bot.core.types import Category, Role, TicketStatus
from bot.core.wib import format_wib
from bot.storage.queries import Queries
from bot.storage.users import SqlUsers
from bot.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Auth,
    LoginRefused,
    current_session,
    hash_password,
    is_https,
    set_session_cookie,
)

TEMPLATES = Path(__file__).parent / "templates"
QUEUE_LIMIT = 200
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")
MIN_PASSWORD = 10

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
)
_templates.filters["wib"] = format_wib


class Dashboard:
    def __init__(self, auth: Auth, users: SqlUsers, queries: Queries) -> None:
        self.auth = auth
        self.users = users
        self.queries = queries

    def routes(self) -> Sequence[web.RouteDef]:
        return [
            web.get("/login", self.login_form),
            web.post("/login", self.login),
            web.post("/logout", self.logout),
            web.get("/dashboard", self.queue),
            web.get("/dashboard/api/queue", self.queue_json),
            web.get("/dashboard/tickets/{code}", self.ticket),
            web.get("/dashboard/admin/users", self.user_list),
            web.post("/dashboard/admin/users", self.user_add),
        ]

    async def login_form(self, request: web.Request, error: str | None = None) -> web.Response:
        csrf = secrets.token_urlsafe(32)
        response = _render(
            "login.html", csrf_token=csrf, error=error, next=request.query.get("next", "")
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="Strict", secure=is_https(request)
        )
        if error:
            response.set_status(401)
        return response

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        given, expected = str(form.get("csrf_token", "")), request.cookies.get(LOGIN_CSRF_COOKIE)
        if not expected or not secrets.compare_digest(given, expected):
            return web.json_response({"error": "missing or wrong CSRF token"}, status=403)
        try:
            await self.auth.log_out(request)  # rotation: an earlier session never carries over
            token = await self.auth.log_in(
                str(form.get("username", "")).strip().lower(),
                str(form.get("password", "")),
                request.remote or "unknown",
            )
        except LoginRefused as refused:
            return await self.login_form(request, str(refused) or "wrong username or password")
        target = str(form.get("next", ""))
        response = _redirect(target if target.startswith("/dashboard") else "/dashboard")
        set_session_cookie(response, request, token)
        response.del_cookie(LOGIN_CSRF_COOKIE)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        await self.auth.log_out(request)
        response = _redirect("/login")
        response.del_cookie(SESSION_COOKIE)
        return response

    async def queue(self, request: web.Request) -> web.Response:
        filters, tickets = await _tickets(self.queries, request)
        return _render(
            "queue.html",
            session=current_session(request),
            tickets=tickets,
            filters=filters,
            statuses=list(TicketStatus),
            categories=list(Category),
            channels=["webchat", "telegram", "whatsapp"],
        )

    async def queue_json(self, request: web.Request) -> web.Response:
        _, tickets = await _tickets(self.queries, request)
        return web.json_response(
            {
                "tickets": [
                    {
                        "code": t.code,
                        "category": t.category.value,
                        "urgent": t.urgent,
                        "status": t.status.value,
                        "channel": t.channel,
                        "created_at": t.created_at.isoformat(),
                        "created_wib": format_wib(t.created_at),
                        "first_message": t.first_message,
                    }
                    for t in tickets
                ]
            }
        )

    async def ticket(self, request: web.Request) -> web.Response:
        detail = await self.queries.ticket(request.match_info["code"])
        if detail is None:
            raise web.HTTPNotFound(text="no such ticket")
        return _render("ticket.html", session=current_session(request), ticket=detail)

    async def user_list(self, request: web.Request, error: str | None = None) -> web.Response:
        session = _admin(request)
        response = _render(
            "users.html", session=session, users=await self.users.all(), error=error, roles=Role
        )
        if error:
            response.set_status(400)
        return response

    async def user_add(self, request: web.Request) -> web.StreamResponse:
        _admin(request)
        form = await request.post()
        try:
            username = check_username(str(form.get("username", "")))
            password = check_password(str(form.get("password", "")))
            role = Role(str(form.get("role", "")))
            await self.users.add(username, await hash_password(password), role)
        except (InvalidInput, ValueError) as error:
            return await self.user_list(request, str(error))
        return _redirect("/dashboard/admin/users")


def check_username(username: str) -> str:
    """Lower-case letters, digits, '.', '_' and '-', 3 to 64 characters."""
    name = username.strip().lower()
    if not 3 <= len(name) <= 64 or not set(name) <= USERNAME_CHARS:
        raise InvalidInput("username: 3-64 characters of a-z, 0-9, '.', '_' or '-'")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password: at least {MIN_PASSWORD} characters")
    return password


def _admin(request: web.Request) -> Any:
    session = current_session(request)
    if session.user.role is not Role.ADMIN:
        raise web.HTTPForbidden(text="admins only")
    return session


def _filters(request: web.Request) -> dict[str, Any]:
    query = request.query
    return {
        "status": query.get("status") or None,
        "category": query.get("category") or None,
        "urgent": {"yes": True, "no": False}.get(query.get("urgent", "")),
        "channel": query.get("channel") or None,
    }


async def _tickets(queries: Queries, request: web.Request) -> tuple[dict[str, Any], list[Any]]:
    filters = _filters(request)
    try:
        return filters, list(await queries.list_tickets(limit=QUEUE_LIMIT, **filters))
    except InvalidInput as error:
        raise web.HTTPBadRequest(text=str(error)) from None


def _redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _render(template: str, **context: Any) -> web.Response:
    html = _templates.get_template(template).render(**context)
    return web.Response(text=html, content_type="text/html")
