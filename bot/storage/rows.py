"""Conversions between table rows and core types."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, select

from bot.core.types import Button, Location, Media, OutboundMessage, Reply
from bot.storage import models


def media_json(media: Iterable[Media]) -> list[dict[str, str]]:
    return [{"kind": item.kind, "ref": item.ref} for item in media]


def media_of(rows: Sequence[dict[str, Any]]) -> tuple[Media, ...]:
    return tuple(Media(kind=row["kind"], ref=row["ref"]) for row in rows)


def location_of(latitude: float | None, longitude: float | None) -> Location | None:
    if latitude is None or longitude is None:
        return None
    return Location(latitude=latitude, longitude=longitude)


def select_outbound() -> Select[tuple[models.Message, str]]:
    """Outbound messages with their citizen's chat id; callers add filters and order."""
    return (
        select(models.Message, models.Citizen.chat_id)
        .join(models.Citizen, models.Message.citizen_id == models.Citizen.id)
        .where(models.Message.direction == "out")
    )


def outbound_of(message: models.Message, chat_id: str) -> OutboundMessage:
    buttons = tuple(Button(title=row["title"], payload=row["payload"]) for row in message.buttons)
    return OutboundMessage(
        id=message.id,
        channel=message.channel,
        chat_id=chat_id,
        reply=Reply(text=message.text, buttons=buttons),
        created_at=message.created_at,
    )
