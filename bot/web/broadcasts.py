"""Admins' broadcast pages: compose (topic, area, Indonesian and English text, a picture, urgent,
now or at a WIB time), preview the audience, send, watch the progress bar, cancel; and disaster mode
(on for an area with a message, optionally broadcast as an urgent alert; off)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from aiohttp import web
from multidict import MultiDictProxy

from bot.core.errors import InvalidInput
from bot.core.subscriptions import TOPICS
from bot.core.wib import parse_wib
from bot.storage.broadcasts import Progress, SqlBroadcasts
from bot.storage.disasters import SqlDisasters
from bot.storage.images import SqlImages
from bot.web.pages import admin_session, redirect, render

BASE = "/dashboard/admin/broadcasts"
DISASTER = "/dashboard/admin/disaster"
IMAGES = "/dashboard/admin/images"
IMAGE_ID = "[0-9a-f]{64}"  # an image's SHA-256 (bot.core.images)


class BroadcastPages:
    def __init__(
        self,
        broadcasts: SqlBroadcasts,
        disasters: SqlDisasters,
        images: SqlImages,
        on_started: Callable[[], None],
    ) -> None:
        """`on_started`: wakes the outbox worker once a broadcast's messages are queued."""
        self.broadcasts = broadcasts
        self.disasters = disasters
        self.images = images
        self.on_started = on_started

    def routes(self) -> Sequence[web.RouteDef]:
        return [
            web.get(BASE, self.listing),
            web.post(BASE, self.compose),
            web.get(BASE + r"/{id:\d+}", self.detail),
            web.get(BASE + r"/{id:\d+}/progress", self.progress),
            web.post(BASE + r"/{id:\d+}/cancel", self.cancel),
            web.post(DISASTER + "/on", self.disaster_on),
            web.post(DISASTER + "/off", self.disaster_off),
            web.get(IMAGES + f"/{{id:{IMAGE_ID}}}", self.image),
        ]

    async def listing(
        self,
        request: web.Request,
        form: Mapping[str, str] | None = None,
        audience: Mapping[str, int] | None = None,
        error: str | None = None,
    ) -> web.Response:
        return render(
            "broadcasts.html",
            status=400 if error else 200,
            session=admin_session(request),
            broadcasts=await self.broadcasts.latest(),
            topics=TOPICS,
            form=form or {},
            audience=audience,
            disasters=await self.disasters.active(),
            error=error,
        )

    async def compose(self, request: web.Request) -> web.StreamResponse:
        """'preview' shows who would get it; 'send' stores it (and starts it unless scheduled)."""
        admin = admin_session(request).user
        posted = await request.post()
        form = {
            key: str(posted.get(key, "")).strip()
            for key in ("topic", "area", "text", "text_en", "at")
        }
        form["urgent"] = "yes" if posted.get("urgent") == "yes" else ""
        try:
            form["image_id"] = await self._image_id(posted, admin.username)
            at = _wib(form["at"]) if form["at"] else None
            if form["topic"] not in TOPICS:
                raise InvalidInput("pilih topik")
            if posted.get("action") != "send":
                audience = await self.broadcasts.audience(form["topic"], form["area"] or None)
                return await self.listing(request, form, audience)
            broadcast_id = await self.broadcasts.create(
                topic=form["topic"],
                texts={"id": form["text"], "en": form["text_en"]},
                created_by=admin.username,
                area=form["area"] or None,
                urgent=bool(form["urgent"]),
                at=at,
                image_id=form["image_id"] or None,
            )
        except InvalidInput as error:
            return await self.listing(request, form, error=str(error))
        if at is None and await self.broadcasts.start_due():
            self.on_started()
        return redirect(f"{BASE}/{broadcast_id}")

    async def _image_id(
        self, posted: MultiDictProxy[str | bytes | bytearray | web.FileField], by: str
    ) -> str:
        """The picture chosen now (stored), else the one chosen before the preview, else ''
        (none, or 'Tanpa gambar' ticked)."""
        if posted.get("no_image") == "yes":
            return ""
        chosen = posted.get("image")
        if isinstance(chosen, web.FileField):
            with chosen.file:
                data = chosen.file.read()
            if data:
                return await self.images.save(data, by)
        earlier = str(posted.get("image_id", ""))
        if earlier and (
            not re.fullmatch(IMAGE_ID, earlier) or not await self.images.exists(earlier)
        ):
            raise InvalidInput("gambar tidak ditemukan; pilih lagi")
        return earlier

    async def image(self, request: web.Request) -> web.Response:
        admin_session(request)
        try:
            image = await self.images.load(request.match_info["id"])
        except KeyError:
            raise web.HTTPNotFound(text="no such image") from None
        headers = {"Cache-Control": "private, max-age=86400"}
        return web.Response(body=image.data, content_type=image.mime, headers=headers)

    async def disaster_on(self, request: web.Request) -> web.StreamResponse:
        admin = admin_session(request).user
        posted = await request.post()
        area = str(posted.get("area", "")).strip() or None
        texts = {"id": str(posted.get("text", "")), "en": str(posted.get("text_en", ""))}
        try:
            await self.disasters.switch_on(area, texts, admin.username)
        except InvalidInput as error:
            return await self.listing(request, error=str(error))
        if posted.get("broadcast") == "yes":
            broadcast_id = await self.broadcasts.create(
                topic="bencana", texts=texts, created_by=admin.username, area=area, urgent=True
            )
            if await self.broadcasts.start_due():
                self.on_started()
            return redirect(f"{BASE}/{broadcast_id}")
        return redirect(BASE)

    async def disaster_off(self, request: web.Request) -> web.StreamResponse:
        admin = admin_session(request).user
        posted = await request.post()
        await self.disasters.switch_off(str(posted.get("area", "")).strip() or None, admin.username)
        return redirect(BASE)

    async def detail(self, request: web.Request) -> web.Response:
        return render(
            "broadcast.html", session=admin_session(request), b=await self._progress(request)
        )

    async def progress(self, request: web.Request) -> web.Response:
        admin_session(request)
        b = await self._progress(request)
        return web.json_response(
            {
                "status": b.status,
                "recipients": b.recipients,
                "finished": b.finished,
                "queued": b.queued,
                "sent": b.sent,
                "delivered": b.delivered,
                "failed": b.failed,
                "unreachable": b.unreachable,
                "cancelled": b.cancelled,
            }
        )

    async def cancel(self, request: web.Request) -> web.StreamResponse:
        admin = admin_session(request).user
        b = await self._progress(request)
        await self.broadcasts.cancel(b.id, by=admin.username)
        return redirect(f"{BASE}/{b.id}")

    async def _progress(self, request: web.Request) -> Progress:
        found = await self.broadcasts.progress(int(request.match_info["id"]))
        if found is None:
            raise web.HTTPNotFound(text="no such broadcast")
        return found


def _wib(text: str) -> datetime:
    """A datetime-local field ('2026-12-01T07:00'), read as WIB."""
    try:
        return parse_wib(text)
    except ValueError:
        raise InvalidInput(f"waktu tidak dikenali: {text!r}") from None
