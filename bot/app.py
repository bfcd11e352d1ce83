"""Composition root: the only place that builds concrete adapters and wires them together."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

from bot.broadcasting import DailyTips, start_when_due
from bot.channels.telegram import CHANNEL as TELEGRAM
from bot.channels.telegram import TelegramChannel, TelegramSender
from bot.channels.webchat import WebChatApi
from bot.channels.whatsapp import CHANNEL as WHATSAPP
from bot.channels.whatsapp import WhatsAppChannel
from bot.channels.whatsapp_sender import Template, WhatsAppSender
from bot.config_file import FileConfig
from bot.content import load_content, load_emergency_keywords, load_intents
from bot.core.content import Content
from bot.core.errors import ConfigError, ServiceUnavailable
from bot.core.pipeline import Classifier, Pipeline
from bot.core.ports import Accepted, MediaSource, Sender
from bot.core.router import NluRules
from bot.core.sla import SlaPolicy
from bot.core.workers import InboxWorker, OutboxWorker, RetryPolicy
from bot.nlu.annotations import ReviewedExamples
from bot.nlu.pool import RasaPool
from bot.nlu.switching import SwitchingNlu
from bot.nlu.topics import TopicAuthor
from bot.nlu.training import model_path
from bot.retraining import Retraining
from bot.settings import Settings
from bot.storage.broadcasts import SqlBroadcasts
from bot.storage.canned import SqlCannedReplies
from bot.storage.database import Database
from bot.storage.disasters import SqlDisasters
from bot.storage.images import SqlImages
from bot.storage.inbox import SqlInbox
from bot.storage.model_versions import SqlModelVersions
from bot.storage.outbox import SqlOutbox
from bot.storage.publications import SqlPublications
from bot.storage.queries import Queries
from bot.storage.review import SqlReview
from bot.storage.schema import check_schema
from bot.storage.tickets import SqlTickets
from bot.storage.users import SqlUsers
from bot.web.auth import Auth
from bot.web.broadcasts import BASE as BROADCASTS
from bot.web.broadcasts import BroadcastPages
from bot.web.dashboard import Dashboard
from bot.web.metrics import MetricsPage
from bot.web.models import ModelPages
from bot.web.review import ReviewPages
from bot.web.server import create_app
from bot.web.transparency import TransparencyPages
from handlers import HANDLERS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    inbox: SqlInbox
    outbox: SqlOutbox
    queries: Queries
    nlu: RasaPool | SwitchingNlu
    pipeline: Pipeline
    retraining: Retraining
    images: SqlImages

    async def process(self, accepted: Accepted) -> None:
        """Process a message at once (the console chat, which runs no workers)."""
        try:
            await self.pipeline.process(accepted.message_id, accepted.citizen_id)
        except Exception:
            await self.inbox.release([accepted.message_id])
            raise

    async def follow_active_model(self) -> None:
        """Serve the active model version: when an admin activates another one (from the
        dashboard or the CLI), switch to it and reload the intent table and FAQ content."""
        poll = self.settings.config.models.poll_seconds
        followed: int | None = None
        while True:
            try:
                followed = await self.follow_once(followed)
            except Exception:
                log.exception("switching the NLU model failed; retrying")
            await asyncio.sleep(poll)

    async def forget_expired_messages(self) -> None:
        """Once a day: mask the text of messages older than review.retention_days, and delete
        pictures a day old that no broadcast uses."""
        review = SqlReview(self.db)
        while True:
            try:
                forgotten = await review.forget_expired(self.settings.config.review.retention_days)
                if forgotten:
                    log.info("masked %s messages past their retention", forgotten)
                unused = await self.images.forget_unused(datetime.now(UTC) - timedelta(days=1))
                if unused:
                    log.info("deleted %s pictures no broadcast uses", unused)
            except Exception:
                log.exception("the retention sweep failed; trying again tomorrow")
            await asyncio.sleep(24 * 3600)

    async def follow_once(self, followed: int | None) -> int | None:
        """Catch up with the active version if it is not `followed`; returns the one followed.
        With RASA_URL the model is loaded where those servers run: only the content reloads."""
        active = await self.retraining.versions.active()
        if active is None or not active.model_file or active.id == followed:
            return followed
        if isinstance(self.nlu, SwitchingNlu) and self.nlu.model.name != active.model_file:
            await self.nlu.switch(self.retraining.models / active.model_file)
        data = self.settings.path(self.settings.config.paths.data)
        intents = await asyncio.to_thread(load_intents, data)
        classifier = self.pipeline.classifier
        classifier.intents = intents
        classifier.safety_net = await asyncio.to_thread(load_emergency_keywords, data, intents)
        self.pipeline.content = await asyncio.to_thread(content_of, self.settings)
        log.info("now serving model version %s", active.id)
        return active.id


@contextlib.asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    """Connect, check the database answers and its schema is current."""
    settings.path(settings.config.paths.var).mkdir(parents=True, exist_ok=True)
    db = Database.connect(settings.database_url)
    try:
        await db.ping()
        await check_schema(db.engine)
        yield db
    finally:
        await db.close()


@contextlib.asynccontextmanager
async def open_nlu(
    settings: Settings, model: Path | None = None
) -> AsyncIterator[RasaPool | SwitchingNlu]:
    """A client for RASA_URL, or a Rasa server started (and stopped) here with `model` (default:
    the model trained for the current data)."""
    timeout = settings.config.nlu.request_timeout_seconds
    if settings.rasa_urls:
        pool = RasaPool(settings.rasa_urls, timeout=timeout)
        try:
            await pool.status()
            yield pool
        finally:
            await pool.close()
        return
    project = settings.path(settings.config.paths.rasa_project)
    model = model or model_path(project, settings.path(settings.config.paths.models))
    if not model.is_file():
        raise ConfigError(
            f"no Rasa model for the current training data ({model.name}): run `polres nlu train`"
        )
    if not settings.rasa_executable.is_file():
        raise ConfigError(f"{settings.rasa_executable} not found: run `make setup`")
    log.info("starting a managed Rasa server for %s", model.name)
    nlu = SwitchingNlu(
        settings.rasa_executable,
        settings.path(settings.config.paths.var),
        startup_timeout=settings.config.rasa.startup_timeout_seconds,
        request_timeout=timeout,
    )
    try:
        await nlu.start(model)
        log.info("managed Rasa server ready at %s", nlu.base_url)
        yield nlu
    finally:
        await nlu.close()


async def serving_model(settings: Settings, versions: SqlModelVersions) -> Path | None:
    """The active model version's file; the first start, or one after the active model's file
    is gone, adopts the current data's model."""
    retraining = Retraining(settings, versions)
    active = await retraining.usable_active()
    if active is None and (existing := await retraining.version_for_current_data()):
        await retraining.adopt_if_none_usable(existing)
        active = existing
    elif active is None and (await retraining.current_model()).is_file():
        version = await retraining.begin("serve")
        active = await retraining.run(version, evaluate=False)  # the model exists: no training
    if active is None or not active.model_file:
        return None
    return settings.path(settings.config.paths.models) / active.model_file


def content_of(settings: Settings) -> Content:
    """data/'s citizen-facing text, in the configured languages, telling the configured office."""
    config = settings.config
    return load_content(settings.path(config.paths.data), config.languages.supported, config.office)


@contextlib.asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    data = settings.path(settings.config.paths.data)
    content = content_of(settings)
    intents = load_intents(data)
    async with open_database(settings) as db:
        versions = SqlModelVersions(db)
        model = None if settings.rasa_urls else await serving_model(settings, versions)
        async with open_nlu(settings, model) as nlu:
            inbox = SqlInbox(db)
            nlu_config = settings.config.nlu
            pipeline = Pipeline(
                inbox=inbox,
                classifier=Classifier(nlu, intents, load_emergency_keywords(data, intents)),
                content=content,
                handlers=HANDLERS,
                rules=NluRules(
                    nlu_config.confidence_threshold,
                    nlu_config.emergency_threshold,
                    nlu_config.dialog_emergency_threshold,
                ),
                priorities=settings.config.escalation.priority,
                media_channels=frozenset(
                    name
                    for name, on in ((TELEGRAM, settings.telegram), (WHATSAPP, settings.whatsapp))
                    if on
                ),
            )
            yield Services(
                settings,
                db,
                inbox,
                SqlOutbox(db),
                Queries(db),
                nlu,
                pipeline,
                Retraining(settings, versions),
                SqlImages(db),
            )


async def serve(settings: Settings, ready: asyncio.Event | None = None) -> None:
    """Run the HTTP server and the workers until SIGINT or SIGTERM."""
    async with open_services(settings) as services:
        config = settings.config
        daily_tips = DailyTips(config.broadcasts.daily_tips, services.pipeline.content.campaigns)
        senders: dict[str, Sender] = {}
        outbox_worker = OutboxWorker(
            services.outbox,
            senders=senders,
            policy=RetryPolicy(config.outbox.max_attempts, config.outbox.retry_base_seconds),
            poll_seconds=config.outbox.poll_seconds,
        )
        inbox_worker = InboxWorker(
            services.inbox,
            services.pipeline,
            config.inbox.poll_seconds,
            on_processed=outbox_worker.send_soon,
            concurrency=config.inbox.concurrency,
            citizen_messages_per_minute=config.inbox.citizen_messages_per_minute,
        )
        routes: list[web.RouteDef] = []
        if config.channels.webchat:
            routes += WebChatApi(
                services.pipeline, services.outbox, services.queries, inbox_worker.answer
            ).routes()
        telegram = telegram_channel(settings, services, inbox_worker.answer_soon)
        if telegram is not None:
            routes += telegram.routes()
            limits = config.telegram
            senders[TELEGRAM] = TelegramSender(
                telegram.bot,
                services.images,
                messages_per_second=limits.messages_per_second,
                chat_messages_per_second=limits.chat_messages_per_second,
                group_messages_per_minute=limits.group_messages_per_minute,
            )
        media: dict[str, MediaSource] = {TELEGRAM: telegram} if telegram is not None else {}
        whatsapp = whatsapp_channel(settings, services, inbox_worker.answer_soon)
        if whatsapp is not None:
            routes += whatsapp.routes()
            senders[WHATSAPP] = whatsapp_sender(settings, services, whatsapp)
            media[WHATSAPP] = whatsapp
        app = create_web_app(services, routes, outbox_worker.wake.set, media)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            if whatsapp is not None:
                await whatsapp.start()
            if telegram is not None:
                # Telegram queues and retries webhook calls, so setWebhook may precede the site.
                await telegram.start()
            site = web.TCPSite(runner, settings.host, settings.port)
            try:
                await site.start()
            except OSError as error:
                raise ServiceUnavailable(
                    f"cannot listen on {settings.host}:{settings.port}: {error.strerror}"
                ) from None
            log.info("polres serving on http://%s:%s", settings.host, settings.port)
            # What is loaded by now lives as long as the process: keep the cycle collector off
            # it, and let it run less often (about 10 % less CPU per message, bench/).
            gc.collect()
            gc.freeze()
            gc.set_threshold(20_000, 20, 20)
            async with asyncio.TaskGroup() as workers:
                inbox_task = workers.create_task(inbox_worker.run())
                outbox_task = workers.create_task(outbox_worker.run())
                chores = [
                    workers.create_task(services.follow_active_model()),
                    workers.create_task(services.forget_expired_messages()),
                    workers.create_task(
                        start_when_due(
                            SqlBroadcasts(services.db),
                            outbox_worker.wake.set,
                            config.broadcasts.poll_seconds,
                            daily_tips,
                        )
                    ),
                ]
                if ready is not None:
                    ready.set()
                await _until_stopped()
                log.info("stopping: no new requests; finishing the waiting work")
                await site.stop()
                for task in chores:
                    task.cancel()
                await _drain(inbox_worker, inbox_task, outbox_worker, outbox_task, config)
        finally:
            await services.retraining.stop()
            if telegram is not None:
                await telegram.stop()
            if whatsapp is not None:
                await whatsapp.stop()
            await runner.cleanup()


def telegram_channel(
    settings: Settings, services: Services, on_accepted: Callable[[Accepted], None]
) -> TelegramChannel | None:
    if settings.telegram is None:
        return None
    return TelegramChannel(
        token=settings.telegram.token,
        mode=settings.telegram.mode,
        webhook_url=settings.telegram.webhook_url,
        webhook_secret=settings.telegram.webhook_secret,
        api_base_url=settings.telegram.api_base_url,
        reception=services.pipeline,
        on_accepted=on_accepted,
        texts=services.pipeline.content.texts,
    )


def whatsapp_channel(
    settings: Settings, services: Services, on_accepted: Callable[[Accepted], None]
) -> WhatsAppChannel | None:
    if settings.whatsapp is None:
        return None
    return WhatsAppChannel(
        token=settings.whatsapp.token,
        phone_number_id=settings.whatsapp.phone_number_id,
        app_secret=settings.whatsapp.app_secret,
        verify_token=settings.whatsapp.verify_token,
        api_base_url=settings.whatsapp.api_base_url,
        reception=services.pipeline,
        outbox=services.outbox,
        on_accepted=on_accepted,
    )


def whatsapp_sender(
    settings: Settings, services: Services, channel: WhatsAppChannel
) -> WhatsAppSender:
    limits = settings.config.whatsapp
    texts = services.pipeline.content.texts
    return WhatsAppSender(
        channel.graph,
        Template(limits.template.name, limits.template.languages),
        services.images,
        choose_labels={
            language: texts.get(language, "button.choose")
            for language in settings.config.languages.supported
        },
        messages_per_second=limits.messages_per_second,
        recipient_messages_per_minute=limits.recipient_messages_per_minute,
        window=timedelta(hours=limits.window_hours),
    )


def create_web_app(
    services: Services,
    routes: Sequence[web.RouteDef],
    on_outbound: Callable[[], None],
    media: Mapping[str, MediaSource],
) -> web.Application:
    async def rasa_ready() -> None:
        await services.nlu.status()

    users = SqlUsers(services.db)
    auth = Auth(users, services.settings.secret_key)
    sla = SlaPolicy.parse(services.settings.config.escalation.first_response)
    dashboard = Dashboard(
        auth,
        users,
        services.queries,
        SqlTickets(services.db),
        SqlCannedReplies(services.db),
        lambda: services.pipeline.content,  # replaced when a model is activated
        lambda: services.pipeline.classifier.intents,
        sla,
        media,
        on_outbound,
    )
    config = services.settings.config
    broadcasts = SqlBroadcasts(services.db)
    project = services.settings.path(config.paths.rasa_project)
    review = ReviewPages(
        SqlReview(services.db),
        config.review,
        ReviewedExamples(project),
        TopicAuthor(project, services.settings.path(config.paths.data), config.languages.supported),
        lambda: services.pipeline.classifier.intents,  # replaced when a model is activated
    )
    return create_app(
        [
            *routes,
            *dashboard.routes(),
            *ModelPages(services.retraining).routes(),
            *BroadcastPages(
                broadcasts, SqlDisasters(services.db), services.images, on_outbound
            ).routes(),
            *TransparencyPages(
                services.queries,
                SqlPublications(services.db),
                broadcasts,
                sla,
                on_outbound,
            ).routes(),
            *review.routes(),
            *MetricsPage(services.queries, sla).routes(),
        ],
        readiness={"database": services.db.ping, "rasa": rasa_ready},
        webchat=services.settings.config.channels.webchat,
        middlewares=[auth.middleware()],
        upload_paths=[BROADCASTS],
        behind_proxy=services.settings.behind_proxy,
    )


async def _drain(
    inbox_worker: InboxWorker,
    inbox_task: asyncio.Task[None],
    outbox_worker: OutboxWorker,
    outbox_task: asyncio.Task[None],
    config: FileConfig,
) -> None:
    """Process what the inbox holds, then send what can be sent, within the grace time; what
    is left stays stored for the next start."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + config.shutdown.grace_seconds
    inbox_worker.drain()
    await asyncio.wait([inbox_task], timeout=max(0.0, deadline - loop.time()))
    outbox_worker.drain()
    await asyncio.wait([outbox_task], timeout=max(0.0, deadline - loop.time()))
    for task in (inbox_task, outbox_task):
        if not task.done():
            log.warning("shutdown grace time over: the rest waits for the next start")
            task.cancel()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
