"""Admins' model pages: versions and their metrics, training in the background, the comparison
with the active model, activation and rollback."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from aiohttp import web

from bot.core.comparison import Comparison
from bot.core.errors import InvalidInput
from bot.storage.model_versions import ModelVersion, SqlModelVersions
from bot.web.pages import admin_session, redirect, render

LOG_LINES = 40


class ModelOperations(Protocol):
    """What the pages ask of the retraining loop (bot/retraining.py)."""

    versions: SqlModelVersions

    async def begin(self, by: str) -> ModelVersion: ...

    def train_in_background(self, version: ModelVersion) -> None: ...

    async def comparison(self, version_id: int) -> Comparison: ...

    async def activate(
        self, version_id: int, by: str, *, force: bool = False, reason: str | None = None
    ) -> Comparison: ...

    def confusion_png(self, version_id: int) -> Path: ...


class ModelPages:
    def __init__(self, operations: ModelOperations) -> None:
        self.operations = operations

    def routes(self) -> Sequence[web.RouteDef]:
        base = "/dashboard/admin/models"
        return [
            web.get(base, self.listing),
            web.post(f"{base}/train", self.train),
            web.get(base + r"/{id:\d+}", self.detail),
            web.post(base + r"/{id:\d+}/activate", self.activate),
            web.get(base + r"/{id:\d+}/log", self.log),
            web.get(base + r"/{id:\d+}/confusion.png", self.confusion),
        ]

    async def listing(self, request: web.Request, error: str | None = None) -> web.Response:
        versions = await self.operations.versions.all()
        return render(
            "models.html",
            status=400 if error else 200,
            session=admin_session(request),
            versions=versions,
            training=next((v for v in versions if v.status == "training"), None),
            error=error,
        )

    async def train(self, request: web.Request) -> web.StreamResponse:
        admin = admin_session(request).user
        try:
            version = await self.operations.begin(admin.username)
        except InvalidInput as error:  # TrainingBusy
            return await self.listing(request, str(error))
        self.operations.train_in_background(version)
        return redirect("/dashboard/admin/models")

    async def detail(self, request: web.Request, error: str | None = None) -> web.Response:
        session = admin_session(request)
        version = await self._version(request)
        comparison: Comparison | None = None
        problem = error
        if version.status == "ready":
            try:
                comparison = await self.operations.comparison(version.id)
            except InvalidInput as refused:
                problem = problem or str(refused)
        return render(
            "model.html",
            status=400 if error else 200,
            session=session,
            version=version,
            comparison=comparison,
            has_confusion=await asyncio.to_thread(
                self.operations.confusion_png(version.id).is_file
            ),
            error=problem,
        )

    async def activate(self, request: web.Request) -> web.StreamResponse:
        admin = admin_session(request).user
        version = await self._version(request)
        form = await request.post()
        try:
            await self.operations.activate(
                version.id,
                admin.username,
                force=form.get("force") == "yes",
                reason=str(form.get("reason", "")) or None,
            )
        except InvalidInput as error:
            return await self.detail(request, str(error))
        return redirect("/dashboard/admin/models")

    async def log(self, request: web.Request) -> web.Response:
        admin_session(request)
        version = await self._version(request)
        text = await asyncio.to_thread(_tail, version.log_file)
        return web.json_response({"status": version.status, "error": version.error, "log": text})

    async def confusion(self, request: web.Request) -> web.StreamResponse:
        admin_session(request)
        path = self.operations.confusion_png((await self._version(request)).id)
        if not await asyncio.to_thread(path.is_file):
            raise web.HTTPNotFound(text="this version has not been evaluated")
        return web.FileResponse(path, headers={"Content-Type": "image/png"})

    async def _version(self, request: web.Request) -> ModelVersion:
        version = await self.operations.versions.get(int(request.match_info["id"]))
        if version is None:
            raise web.HTTPNotFound(text="no such model version")
        return version


def _tail(log_file: str | None) -> str:
    """The last lines of a training log; Rasa's progress bars redraw with carriage returns."""
    if not log_file:
        return ""
    try:
        with open(log_file, encoding="utf-8", errors="replace") as stream:
            lines = deque(stream, maxlen=LOG_LINES)
    except FileNotFoundError:
        return ""
    return "\n".join(line.rstrip("\n").split("\r")[-1] for line in lines)
