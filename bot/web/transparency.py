"""The public transparency page (/transparansi, no login): monthly figures and charts,
aggregated only, with the office's activity reports and hoax clarifications; and the admins'
page that publishes them (and can broadcast them to `info` subscribers)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime

from aiohttp import web

from bot.core.errors import InvalidInput
from bot.core.sla import SlaPolicy
from bot.core.stats import MonthFigures, monthly, months_before
from bot.core.types import Category
from bot.core.wib import WIB
from bot.storage.broadcasts import SqlBroadcasts
from bot.storage.publications import SqlPublications
from bot.storage.queries import Queries
from bot.web.charts import stacked_bars
from bot.web.pages import CATEGORY_NAMES, admin_session, redirect, render

MONTHS = 6
CACHE_SECONDS = 60.0  # the public page is computed at most once a minute
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
ADMIN = "/dashboard/admin/publications"


class TransparencyPages:
    def __init__(
        self,
        queries: Queries,
        publications: SqlPublications,
        broadcasts: SqlBroadcasts,
        sla: SlaPolicy,
        on_started: Callable[[], None],
    ) -> None:
        self.queries = queries
        self.publications = publications
        self.broadcasts = broadcasts
        self.sla = sla
        self.on_started = on_started
        self._cached: tuple[float, web.Response] | None = None

    def routes(self) -> Sequence[web.RouteDef]:
        return [
            web.get("/transparansi", self.public),
            web.get(ADMIN, self.admin),
            web.post(ADMIN, self.publish),
        ]

    async def public(self, request: web.Request) -> web.Response:
        if self._cached is not None and time.monotonic() - self._cached[0] < CACHE_SECONDS:
            return _copy(self._cached[1])
        now = datetime.now(WIB)
        months = months_before(now.date(), MONTHS)
        since = datetime.combine(months[0], datetime.min.time(), WIB)
        figures = monthly(
            await self.queries.ticket_facts(since),
            await self.queries.messages_per_month(months),
            self.sla,
            months,
            now,
        )
        labels = [_month_name(f) for f in figures]
        tickets = stacked_bars(
            labels,
            {CATEGORY_NAMES[c]: [f.tickets[c] for f in figures] for c in Category},
            "Tiket per kategori per bulan",
        )
        messages = stacked_bars(
            labels, {"pesan warga": [f.messages for f in figures]}, "Pesan warga per bulan"
        )
        response = render(
            "transparency.html",
            figures=figures,
            month_name=_month_name,
            tickets_chart=tickets,
            messages_chart=messages,
            publications=await self.publications.latest(),
        )
        response.headers["Cache-Control"] = f"public, max-age={int(CACHE_SECONDS)}"
        self._cached = (time.monotonic(), response)
        return _copy(response)

    async def admin(self, request: web.Request, error: str | None = None) -> web.Response:
        return render(
            "publications.html",
            status=400 if error else 200,
            session=admin_session(request),
            publications=await self.publications.latest(),
            error=error,
        )

    async def publish(self, request: web.Request) -> web.StreamResponse:
        admin = admin_session(request).user
        form = await request.post()
        title, body = str(form.get("title", "")), str(form.get("body", ""))
        try:
            publication_id = await self.publications.publish(
                str(form.get("kind", "")), title, body, admin.username
            )
        except InvalidInput as error:
            return await self.admin(request, str(error))
        if form.get("broadcast") == "yes":
            broadcast_id = await self.broadcasts.create(
                topic="info",
                texts={"id": f"{title.strip()}\n\n{body.strip()}"},
                created_by=admin.username,
            )
            await self.publications.link_broadcast(publication_id, broadcast_id)
            if await self.broadcasts.start_due():
                self.on_started()
        self._cached = None
        return redirect(ADMIN)


def _month_name(figures: MonthFigures) -> str:
    return f"{MONTH_NAMES[figures.month.month - 1]} {figures.month.year}"


def _copy(response: web.Response) -> web.Response:
    """A response can be sent once: serve the cached page as a new one."""
    assert response.text is not None
    return web.Response(
        text=response.text,
        content_type="text/html",
        headers={"Cache-Control": response.headers["Cache-Control"]},
    )
