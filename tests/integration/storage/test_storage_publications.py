"""Publications for the transparency page, and the monthly counts it shows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from bot.core.errors import InvalidInput
from bot.core.types import Inbound
from bot.storage import models
from bot.storage.database import Database
from bot.storage.inbox import SqlInbox
from bot.storage.publications import SqlPublications
from bot.storage.queries import Queries


async def test_publish_list_newest_first_and_link_a_broadcast(db: Database) -> None:
    publications = SqlPublications(db)
    first = await publications.publish("report", "Patroli malam", "42 titik dipatroli.", "admin")
    second = await publications.publish("hoax", " Penculikan anak ", "Kabar itu tidak benar.", "a")
    [newest, oldest] = await publications.latest()
    assert (newest.id, newest.kind, newest.title) == (second, "hoax", "Penculikan anak")
    assert (oldest.id, oldest.body, oldest.broadcast_id) == (first, "42 titik dipatroli.", None)
    with pytest.raises(InvalidInput):
        await publications.publish("gossip", "x", "y", "admin")
    with pytest.raises(InvalidInput):
        await publications.publish("report", "  ", "y", "admin")


async def test_messages_per_month_counts_citizens_messages_by_wib_month(
    inbox: SqlInbox, queries: Queries, db: Database
) -> None:
    for n in range(3):
        await inbox.accept(Inbound("telegram", "42", f"m{n}", "halo"))
    async with db.sessions() as session, session.begin():
        await session.execute(  # 18:00 UTC on 31 October is 1 November in WIB
            update(models.Message)
            .where(models.Message.external_id == "m0")
            .values(created_at=datetime(2026, 10, 31, 18, 0, tzinfo=UTC))
        )
        await session.execute(
            update(models.Message)
            .where(models.Message.external_id.in_(("m1", "m2")))
            .values(created_at=datetime(2026, 10, 31, 16, 0, tzinfo=UTC))
        )
    counts = await queries.messages_per_month([date(2026, 10, 1), date(2026, 11, 1)])
    assert counts == {date(2026, 10, 1): 2, date(2026, 11, 1): 1}
