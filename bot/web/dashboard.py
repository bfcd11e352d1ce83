"""The officers' dashboard: login, the ticket queue, ticket views and (admins) user accounts.

Pages are rendered server-side with Jinja2 autoescaping, so citizen text is always shown as text.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from aiohttp import web

from bot.core.content import DEFAULT_LANGUAGE, Content, IntentTable, in_language
from bot.core.errors import DeliveryError, InvalidInput
from bot.core.handoff import officer_dialog, rating_buttons, rating_dialog
from bot.core.ports import MediaSource
from bot.core.sla import SlaPolicy
from bot.core.stats import compute
from bot.core.types import Category, Reply, Role, TicketStatus
from bot.core.wib import WIB, format_wib
from bot.storage.canned import SqlCannedReplies
from bot.storage.queries import Queries, TicketRow
from bot.storage.tickets import SqlTickets, TicketRefused
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
from bot.web.charts import stacked_bars
from bot.web.pages import (
    ASPECT_NAMES,
    CATEGORY_NAMES,
    STATUS_NAMES,
    admin_session,
    channel_name,
    redirect,
    render,
)

QUEUE_LIMIT = 200
IMAGE_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG", "image/png"), (b"RIFF", "image/webp"))
STATS_DAYS = 14
MAX_TEXT = 4000
CLOSE_REASONS = ("spam", "duplicate")
OPEN = (TicketStatus.NEW, TicketStatus.CLAIMED, TicketStatus.ANSWERED)
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")
MIN_PASSWORD = 10


class Dashboard:
    def __init__(
        self,
        auth: Auth,
        users: SqlUsers,
        queries: Queries,
        tickets: SqlTickets,
        canned: SqlCannedReplies,
        content: Callable[[], Content],
        intents: Callable[[], IntentTable],
        sla: SlaPolicy,
        media: Mapping[str, MediaSource],
        on_outbound: Callable[[], None] = lambda: None,
    ) -> None:
        """`media`: per channel, where citizens' photos are fetched from;
        `on_outbound`: called after a message to a citizen is queued (wakes the outbox);
        `content` and `intents`: the current ones (data/ is reloaded when a model is activated)."""
        self.auth = auth
        self.users = users
        self.queries = queries
        self.tickets = tickets
        self.canned = canned
        self.content = content
        self.intents = intents
        self.sla = sla
        self.media = media
        self.on_outbound = on_outbound

    def routes(self) -> Sequence[web.RouteDef]:
        return [
            web.get("/login", self.login_form),
            web.post("/login", self.login),
            web.post("/logout", self.logout),
            web.get("/dashboard", self.queue),
            web.get("/dashboard/api/queue", self.queue_json),
            web.get("/dashboard/tickets/{code}", self.ticket),
            web.post("/dashboard/tickets/{code}/{action}", self.act),
            web.get("/dashboard/media/{channel}/{ref}", self.photo),
            web.get("/dashboard/stats", self.stats),
            web.get("/dashboard/admin/users", self.user_list),
            web.post("/dashboard/admin/users", self.user_add),
            web.post("/dashboard/admin/users/{username}/disable", self.user_disable),
            web.get("/dashboard/admin/canned", self.canned_list),
            web.post("/dashboard/admin/canned", self.canned_add),
            web.post("/dashboard/admin/canned/{id:\\d+}/delete", self.canned_remove),
        ]

    async def login_form(self, request: web.Request, error: str | None = None) -> web.Response:
        csrf = secrets.token_urlsafe(32)
        response = render(
            "login.html",
            status=401 if error else 200,
            csrf_token=csrf,
            error=error,
            next=request.query.get("next", ""),
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="Strict", secure=is_https(request)
        )
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
            return await self.login_form(
                request, str(refused) or "nama pengguna atau kata sandi salah"
            )
        target = str(form.get("next", ""))
        response = redirect(target if target.startswith("/dashboard") else "/dashboard")
        set_session_cookie(response, request, token)
        response.del_cookie(LOGIN_CSRF_COOKIE)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        await self.auth.log_out(request)
        response = redirect("/login")
        response.del_cookie(SESSION_COOKIE)
        return response

    async def queue(self, request: web.Request) -> web.Response:
        filters, tickets = await _tickets(self.queries, request)
        return render(
            "queue.html",
            session=current_session(request),
            tickets=self._queue_entries(tickets),
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
                        "code": entry.row.code,
                        "category": entry.row.category.value,
                        "urgent": entry.row.urgent,
                        "status": entry.row.status.value,
                        "channel": entry.row.channel,
                        "category_label": CATEGORY_NAMES[entry.row.category.value],
                        "status_label": STATUS_NAMES[entry.row.status.value],
                        "channel_label": channel_name(entry.row.channel),
                        "assignee": entry.row.assignee,
                        "created_at": entry.row.created_at.isoformat(),
                        "created_wib": format_wib(entry.row.created_at),
                        "due_wib": format_wib(entry.due),
                        "overdue": entry.overdue,
                        "first_message": entry.row.first_message,
                    }
                    for entry in self._queue_entries(tickets)
                ]
            }
        )

    def _queue_entries(self, tickets: Sequence[TicketRow]) -> list[QueueEntry]:
        """Open tickets first: urgent, then by first-response deadline; then the finished."""
        now = datetime.now(UTC)
        entries = [
            QueueEntry(row, due := self.sla.due(row.category, row.urgent, row.created_at),
                       row.first_response_at is None and row.status in OPEN and now > due)
            for row in tickets
        ]  # fmt: skip
        return sorted(entries, key=lambda e: (e.row.status not in OPEN, not e.row.urgent, e.due))

    async def ticket(
        self, request: web.Request, error: str | None = None, status: int = 200
    ) -> web.Response:
        code = request.match_info["code"]
        detail = await self.queries.ticket(code)
        if detail is None:
            raise web.HTTPNotFound(text="no such ticket")
        return render(
            "ticket.html",
            status=status,
            session=current_session(request),
            ticket=detail,
            due=self.sla.due(detail.category, detail.urgent, detail.created_at),
            notes=await self.tickets.notes(code),
            officers=[u for u in await self.users.all() if not u.disabled],
            canned=await self.canned.all(detail.language),
            faq_replies=faq_replies(self.content(), detail.language, detail.faq_topic),
            intents=sorted(self.intents().specs),
            error=error,
        )

    async def act(self, request: web.Request) -> web.Response:
        """One officer action on a ticket, then back to the ticket page."""
        code, action = request.match_info["code"], request.match_info["action"]
        officer = current_session(request).user
        form = await request.post()
        text = str(form.get("text", "")).strip()
        try:
            language = await self.tickets.citizen_language(code)
            t = functools.partial(self.content().texts.get, language)
            if action == "claim":
                await self.tickets.claim(
                    code, officer, Reply(t("officer.claimed", code=code)), officer_dialog(code)
                )
            elif action == "release":
                await self.tickets.release(code, officer)
            elif action == "reassign":
                await self.tickets.reassign(code, officer, str(form.get("username", "")))
            elif action == "reply":
                await self.tickets.reply(
                    code, officer, Reply(t("officer.reply", text=_required(text)))
                )
            elif action == "note":
                await self.tickets.note(code, officer, _required(text))
            elif action == "resolve":
                notice = Reply(t("ticket.resolved", code=code), rating_buttons())
                await self.tickets.finish(
                    code, officer, TicketStatus.RESOLVED, notice, rating_dialog(code)
                )
            elif action == "reclassify":
                intent = str(form.get("intent", ""))
                if intent not in self.intents().specs:
                    raise InvalidInput(f"unknown intent {intent!r}")
                spec = self.intents().spec(intent)
                await self.tickets.reclassify(code, officer, intent, spec.category, spec.faq_topic)
            elif action == "close":
                reason = str(form.get("reason", ""))
                if reason not in CLOSE_REASONS:
                    raise InvalidInput(f"reason: one of {', '.join(CLOSE_REASONS)}")
                notice = Reply(t(f"ticket.closed_{reason}", code=code))
                await self.tickets.finish(code, officer, TicketStatus.CLOSED, notice, None, reason)
            else:
                raise web.HTTPNotFound(text="no such action")
        except TicketRefused as refused:
            return await self.ticket(request, str(refused), status=409)
        except InvalidInput as invalid:
            return await self.ticket(request, str(invalid), status=400)
        self.on_outbound()
        return redirect(f"/dashboard/tickets/{code}")

    async def photo(self, request: web.Request) -> web.Response:
        """A citizen's photo, fetched from their channel (e.g. Telegram's getFile)."""
        source = self.media.get(request.match_info["channel"])
        if source is None:
            raise web.HTTPNotFound(text="no photos on this channel")
        try:
            content = await source.fetch(request.match_info["ref"])
        except DeliveryError as error:
            raise web.HTTPBadGateway(text=str(error)) from None
        kind = next((k for magic, k in IMAGE_TYPES if content.startswith(magic)), None)
        if kind is None:
            return web.Response(
                body=content,
                content_type="application/octet-stream",
                headers={"Content-Disposition": "attachment"},
            )
        return web.Response(body=content, content_type=kind, headers={"Cache-Control": "private"})

    async def stats(self, request: web.Request) -> web.Response:
        now = datetime.now(WIB)
        since = datetime.combine(now.date() - timedelta(days=STATS_DAYS - 1), time(), WIB)
        facts = await self.queries.ticket_facts(since)
        result = compute(facts, self.sla, now, STATS_DAYS)
        chart = stacked_bars(
            [day.strftime("%d/%m") for day in result.days],
            {category.value: counts for category, counts in result.per_day.items()},
            f"Tiket per kategori per hari, {STATS_DAYS} hari terakhir",
        )
        ratings = stacked_bars(
            [f"{score}★" for score in range(1, 6)],
            {"penilaian": result.ratings},
            "Penilaian warga (jumlah per nilai)",
        )
        return render(
            "stats.html",
            session=current_session(request),
            stats=result,
            chart=chart,
            ratings=ratings,
            days=STATS_DAYS,
        )

    async def canned_list(self, request: web.Request, error: str | None = None) -> web.Response:
        return render(
            "canned.html",
            status=400 if error else 200,
            session=admin_session(request),
            replies=await self.canned.all(),
            languages=self.content().texts.languages,
            error=error,
        )

    async def canned_add(self, request: web.Request) -> web.StreamResponse:
        admin = admin_session(request).user
        form = await request.post()
        language = str(form.get("language", ""))
        title = str(form.get("title", "")).strip()
        text = str(form.get("text", "")).strip()
        if language not in self.content().texts.languages or not title or len(title) > 100:
            return await self.canned_list(
                request, "choose a language and a title (1-100 characters)"
            )
        try:
            await self.canned.add(language, title, _required(text), admin.username)
        except InvalidInput as error:
            return await self.canned_list(request, str(error))
        return redirect("/dashboard/admin/canned")

    async def canned_remove(self, request: web.Request) -> web.StreamResponse:
        admin = admin_session(request).user
        await self.canned.remove(int(request.match_info["id"]), admin.username)
        return redirect("/dashboard/admin/canned")

    async def user_list(self, request: web.Request, error: str | None = None) -> web.Response:
        return render(
            "users.html",
            status=400 if error else 200,
            session=admin_session(request),
            users=await self.users.all(),
            error=error,
            roles=Role,
        )

    async def user_add(self, request: web.Request) -> web.StreamResponse:
        admin = admin_session(request).user
        form = await request.post()
        try:
            username = check_username(str(form.get("username", "")))
            password = check_password(str(form.get("password", "")))
            role = Role(str(form.get("role", "")))
            await self.users.add(username, await hash_password(password), role, admin.username)
        except (InvalidInput, ValueError) as error:
            return await self.user_list(request, str(error))
        return redirect("/dashboard/admin/users")

    async def user_disable(self, request: web.Request) -> web.StreamResponse:
        admin = admin_session(request).user
        username = request.match_info["username"]
        if username == admin.username:
            return await self.user_list(request, "you cannot disable your own account")
        if not await self.users.disable(username, admin.username):
            raise web.HTTPNotFound(text="no such user")
        return redirect("/dashboard/admin/users")


@dataclass(frozen=True)
class QueueEntry:
    row: TicketRow
    due: datetime  # first response due
    overdue: bool


@dataclass(frozen=True)
class ReadyReply:
    title: str
    text: str


def faq_replies(content: Content, language: str, first: str | None) -> list[ReadyReply]:
    """Every FAQ answer, whole and by part, as a reply an officer can pick, in the citizen's
    language under an Indonesian title; the ticket's own topic first."""
    replies = []
    for faq in sorted(content.faq.values(), key=lambda faq: (faq.topic != first, faq.topic)):
        title = in_language(faq.title, DEFAULT_LANGUAGE)
        parts = {"semua": faq.answer} | {
            ASPECT_NAMES.get(aspect, aspect): texts for aspect, texts in faq.aspects.items()
        }
        replies += [
            ReadyReply(f"{title} — {part}", in_language(texts, language).strip())
            for part, texts in parts.items()
        ]
    return replies


def _required(text: str) -> str:
    if not text:
        raise InvalidInput("write a text first")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"text: at most {MAX_TEXT} characters")
    return text


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
