"""What the SqlInbox tests (and others that store messages) share: messages, decisions,
a ticket and a count of stored messages."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select

from bot.core.ports import Decision
from bot.core.types import Category, Classification, Inbound, Location, Media, NewTicket, Outcome
from bot.storage import models
from bot.storage.database import Database


def inbound(
    external_id: str,
    text: str = "halo",
    chat_id: str = "42",
    display_name: str | None = None,
    location: Location | None = None,
    media: tuple[Media, ...] = (),
) -> Inbound:
    return Inbound(
        channel="telegram",
        chat_id=chat_id,
        external_id=external_id,
        text=text,
        media=media,
        location=location,
        display_name=display_name,
    )


def decision(
    outcome: Outcome,
    code: str = "PL-AAAA-BBBB",
    classification: Classification | None = None,
    language: str = "id",
) -> Decision:
    priority = 2 if outcome.ticket else None
    return Decision(outcome, classification, language, ticket_code=code, ticket_priority=priority)


CRIME = NewTicket(
    category=Category.CRIME_REPORT,
    urgent=False,
    summary="motor dicuri",
    intent="report_theft",
    confidence=0.91,
    details={"what": "motor"},
    location=Location(-7.8, 110.4),
    media=(Media("photo", "file-1"),),
)


async def count(db: Database, *where: ColumnElement[bool]) -> int:
    async with db.sessions() as session:
        found = await session.scalar(select(func.count()).select_from(models.Message).where(*where))
        return found or 0
