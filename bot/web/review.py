"""Admins' NLU review: confirm, correct or discard what the bot misunderstood, and add FAQ topics.

Actions answer JSON to the page's script (Accept: application/json) and redirect back to the
queue for plain form posts. Confirmed examples go to the Rasa project's reviewed-examples file,
rewritten from the database after every confirmation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

from aiohttp import web

from bot.core.content import IntentTable
from bot.core.errors import ContentError, InvalidInput
from bot.storage.review import SORTS, ReviewItem, ReviewRefused, SqlReview
from bot.web.pages import ASPECT_NAMES, admin_session, redirect, render

QUEUE_LIMIT = 100
TOP_RANKED = 5  # ranked intents shown per row, picked with the keys 1-5
FILTERS = ("reason", "intent", "channel", "sort")
CHANNELS = ("webchat", "telegram", "whatsapp")
REASON_NAMES = {
    "low_confidence": "keyakinan rendah",
    "clarified": "dialihkan warga",
    "reclassified": "dikoreksi petugas",
    "overruled": "dikoreksi aturan bot",
}
SORT_NAMES = {"confidence": "keyakinan terendah", "newest": "terbaru"}
REVIEW_PATH = "/dashboard/admin/review"
TOPIC_PATH = "/dashboard/admin/topics/new"


class ReviewConfig(Protocol):
    """config.yml's `review` section."""

    @property
    def confidence_below(self) -> float: ...

    @property
    def retention_days(self) -> int: ...


class ExamplesFile(Protocol):
    """Where confirmed examples are written for training (bot.nlu.annotations)."""

    async def write(self, examples: Iterable[tuple[str, str]]) -> int: ...


class TopicWriter(Protocol):
    """Adds an FAQ topic to the Rasa project and data/ (bot.nlu.topics)."""

    @property
    def languages(self) -> tuple[str, ...]: ...

    async def add(
        self,
        *,
        topic: str,
        examples: Sequence[str],
        title: Mapping[str, str],
        answer: Mapping[str, str],
        aspects: Mapping[str, Mapping[str, str]] | None = None,
        action: str | None = None,
    ) -> str: ...


class ReviewPages:
    def __init__(
        self,
        review: SqlReview,
        config: ReviewConfig,
        examples: ExamplesFile,
        topics: TopicWriter,
        intents: Callable[[], IntentTable],
    ) -> None:
        """`intents`: the intent table in use (it changes when a new model is activated)."""
        self.review = review
        self.config = config
        self.examples = examples
        self.topics = topics
        self.intents = intents
        self._writing = asyncio.Lock()  # one rewrite of the examples file at a time

    def routes(self) -> Sequence[web.RouteDef]:
        return [
            web.get(REVIEW_PATH, self.queue),
            web.post(REVIEW_PATH + r"/{id:\d+}/{action:confirm|discard}", self.act),
            web.get(TOPIC_PATH, self.topic_form),
            web.post(TOPIC_PATH, self.topic_add),
        ]

    async def queue(self, request: web.Request) -> web.Response:
        return await self._page(request, {name: request.query.get(name) for name in FILTERS})

    async def _page(
        self,
        request: web.Request,
        query: Mapping[str, str | None],
        error: str | None = None,
        status: int = 200,
    ) -> web.Response:
        session = admin_session(request)
        filters = {name: query.get(name) or None for name in FILTERS}
        items: list[ReviewItem] = []
        try:
            items = await self.review.queue(
                **self._scope(),
                reason=filters["reason"],
                intent=filters["intent"],
                channel=filters["channel"],
                sort=filters["sort"] or SORTS[0],
                limit=QUEUE_LIMIT,
            )
        except InvalidInput as invalid:
            error, status = str(invalid), 400
        table = self.intents()
        return render(
            "review.html",
            status=status,
            session=session,
            error=error,
            items=items,
            waiting=await self.review.waiting(**self._scope()),
            filters=filters,
            back=urlencode({k: v for k, v in filters.items() if v}),
            intents=[table.specs[name] for name in sorted(table.specs)],
            channels=CHANNELS,
            reasons=REASON_NAMES,
            sorts=SORT_NAMES,
            top_ranked=TOP_RANKED,
            limit=QUEUE_LIMIT,
        )

    async def act(self, request: web.Request) -> web.StreamResponse:
        """Confirm (with the form's intent) or discard one message."""
        admin = admin_session(request).user
        message_id, action = int(request.match_info["id"]), request.match_info["action"]
        form = await request.post()
        status = "discarded"
        try:
            if action == "confirm":
                intent = str(form.get("intent", ""))
                if intent not in self.intents().specs:
                    raise InvalidInput(f"unknown intent {intent!r}")
                status = await self.review.confirm(message_id, intent, admin)
                await self._write_examples()
            else:
                await self.review.discard(message_id, admin)
        except ReviewRefused as refused:
            return await self._failed(request, form, str(refused), 409)
        except InvalidInput as invalid:
            return await self._failed(request, form, str(invalid), 400)
        except ContentError as error:
            message = f"the review is saved, but the training file was not written: {error}"
            return await self._failed(request, form, message, 503)
        if _wants_json(request):
            waiting = await self.review.waiting(**self._scope())
            return web.json_response({"status": status, "waiting": waiting})
        back = urlencode(_filters(str(form.get("back", ""))))
        return redirect(f"{REVIEW_PATH}?{back}" if back else REVIEW_PATH)

    async def topic_form(
        self,
        request: web.Request,
        error: str | None = None,
        status: int = 200,
        values: Mapping[str, str] | None = None,
    ) -> web.Response:
        table = self.intents()
        return render(
            "topic_new.html",
            status=status,
            session=admin_session(request),
            error=error,
            added=request.query.get("added") if status == 200 else None,
            values=values or {},
            languages=self.topics.languages,
            topics=sorted(s.faq_topic for s in table.specs.values() if s.faq_topic),
            aspects=ASPECT_NAMES,
            actions=TOPIC_ACTIONS,
            short_answers_typed=any(
                text.strip() for key, text in (values or {}).items() if key.startswith("aspect_")
            ),
        )

    async def topic_add(self, request: web.Request) -> web.StreamResponse:
        admin = admin_session(request).user
        form = await request.post()
        values = {key: str(value) for key, value in form.items() if key != "csrf_token"}
        languages = self.topics.languages
        topic = values.get("topic", "").strip()
        try:
            intent = await self.topics.add(
                topic=topic,
                examples=values.get("examples", "").splitlines(),
                title={lang: values.get(f"title_{lang}", "") for lang in languages},
                answer={lang: values.get(f"answer_{lang}", "") for lang in languages},
                aspects={
                    aspect: {lang: values.get(f"aspect_{aspect}_{lang}", "") for lang in languages}
                    for aspect in ASPECT_NAMES
                },
                action=values.get("action") or None,
            )
        except InvalidInput as invalid:
            return await self.topic_form(request, str(invalid), 400, values)
        except ContentError as error:
            return await self.topic_form(request, str(error), 503, values)
        await self.review.record_topic(topic, admin)
        return redirect(f"{TOPIC_PATH}?{urlencode({'added': intent})}")

    def _scope(self) -> dict[str, Any]:
        since = datetime.now(UTC) - timedelta(days=self.config.retention_days)
        return {"confidence_below": self.config.confidence_below, "since": since}

    async def _write_examples(self) -> None:
        """Rewrite the examples file from the database (serialised, so the last write holds
        every review committed before it)."""
        async with self._writing:
            await self.examples.write(await self.review.reviewed_examples())

    async def _failed(
        self, request: web.Request, form: Mapping[str, Any], message: str, status: int
    ) -> web.Response:
        if _wants_json(request):
            return web.json_response({"error": message}, status=status)
        return await self._page(request, _filters(str(form.get("back", ""))), message, status)


# The button a new topic's answer may carry (FAQ_ACTIONS), as the form offers it.
TOPIC_ACTIONS = {"report": "Lapor kejadian (/lapor)", "feedback": "Saran / pengaduan (/saran)"}


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _filters(query: str) -> dict[str, str]:
    """The queue's filters from a query string (only known names)."""
    return {k: v for k, v in parse_qsl(query) if k in FILTERS}
