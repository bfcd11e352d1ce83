"""What the one-shot `polres` commands do (users, NLU models, tickets, the console chat, the
database schema); `polres serve` is bot/app.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any

from bot.app import open_database, open_nlu, open_services
from bot.channels.console import ConsoleChat
from bot.content import load_intents
from bot.core.comparison import Comparison
from bot.core.errors import InvalidInput
from bot.core.pipeline import Classifier
from bot.core.types import Classification, Role, User
from bot.core.wib import format_wib
from bot.retraining import Retraining
from bot.settings import Settings
from bot.storage.model_versions import ModelVersion, SqlModelVersions
from bot.storage.queries import Queries
from bot.storage.schema import head, upgrade
from bot.storage.users import SqlUsers
from bot.web.auth import hash_password
from bot.web.dashboard import check_password, check_username

CLI_ACTOR = "cli"  # who the audit log names for commands run from the terminal


async def add_user(settings: Settings, username: str, password: str, role: Role) -> User:
    """Create a dashboard account; raises InvalidInput for a bad name, short password or a
    username that is taken."""
    name, secret = check_username(username), check_password(password)
    async with open_database(settings) as db:
        return await SqlUsers(db).add(name, await hash_password(secret), role, by=CLI_ACTOR)


async def disable_user(settings: Settings, username: str) -> None:
    async with open_database(settings) as db:
        if not await SqlUsers(db).disable(username.strip().lower(), by=CLI_ACTOR):
            raise InvalidInput(f"no user {username!r}")


async def chat(settings: Settings, session: str) -> None:
    async with open_services(settings) as services:
        console = ConsoleChat(
            services.pipeline, services.outbox, services.queries, services.process
        )
        await console.run(session)


async def classify(settings: Settings, lines: Iterable[str]) -> AsyncIterator[Classification]:
    """Classify texts through the app's path (Rasa + intent table), in input order."""
    intents = load_intents(settings.path(settings.config.paths.data))
    limit = asyncio.Semaphore(settings.config.nlu.classify_concurrency)
    async with open_nlu(settings) as nlu:
        classifier = Classifier(nlu, intents)

        async def one(text: str) -> Classification:
            async with limit:
                return await classifier.classify(text)

        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= 256:
                for result in await asyncio.gather(*map(one, batch)):
                    yield result
                batch.clear()
        for result in await asyncio.gather(*map(one, batch)):
            yield result


async def train_version(settings: Settings) -> ModelVersion:
    """Train (or adopt the existing model for unchanged data), evaluate, record the version."""
    async with open_database(settings) as db:
        return await Retraining(settings, SqlModelVersions(db)).train(CLI_ACTOR)


async def compare_version(settings: Settings, version_id: int | None) -> tuple[int, Comparison]:
    """A version (default: the newest ready one) against the active model."""
    async with open_database(settings) as db:
        versions = SqlModelVersions(db)
        if version_id is None:
            ready = [v for v in await versions.all() if v.status == "ready"]
            if not ready:
                raise InvalidInput("no trained model version yet: run `polres nlu train`")
            version_id = ready[0].id
        return version_id, await Retraining(settings, versions).comparison(version_id)


async def activate_version(
    settings: Settings, version_id: int, *, force: bool, reason: str | None
) -> Comparison:
    async with open_database(settings) as db:
        return await Retraining(settings, SqlModelVersions(db)).activate(
            version_id, CLI_ACTOR, force=force, reason=reason
        )


async def list_versions(settings: Settings) -> list[dict[str, Any]]:
    """Every model version, newest first, as `polres nlu models --json` prints it."""
    async with open_database(settings) as db:
        return [_version_row(version) for version in await SqlModelVersions(db).all()]


def _version_row(version: ModelVersion) -> dict[str, Any]:
    metrics = version.metrics or {}
    return {
        "version": version.id,
        "active": version.active,
        "status": version.status,
        "model": version.model_file,
        "created_at": version.created_at.isoformat(),
        "created_by": version.created_by,
        "train_seconds": version.train_seconds,
        "metrics": {k: v for k, v in metrics.items() if k not in ("predictions", "per_intent")}
        or None,
        "activated_at": version.activated_at.isoformat() if version.activated_at else None,
        "activation_reason": version.activation_reason,
    }


async def upgrade_database(settings: Settings) -> str:
    """Migrate the schema to head; what was done, in one line."""
    settings.path(settings.config.paths.var).mkdir(parents=True, exist_ok=True)
    before, needed = await upgrade(settings.database_url), head()
    if before == needed:
        return f"database schema is up to date ({needed})"
    return f"database schema upgraded from {before or 'an empty database'} to {needed}"


async def list_tickets(settings: Settings, limit: int, status: str | None) -> list[dict[str, Any]]:
    async with open_database(settings) as db:
        rows = await Queries(db).list_tickets(limit=limit, status=status)
    return [
        {
            "code": row.code,
            "category": row.category.value,
            "urgent": row.urgent,
            "priority": row.priority,
            "status": row.status.value,
            "created_at": row.created_at.isoformat(),
            "created_wib": format_wib(row.created_at),
            "first_message": row.first_message,
        }
        for row in rows
    ]
