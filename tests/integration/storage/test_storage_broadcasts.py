"""Subscriptions (consent per topic) and broadcasts: started once, queued per subscriber in
their language, cancelled, counted; the outbox's priority order."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.broadcasting import DailyTips
from bot.config_file import DailyTip
from bot.core.content import Campaign
from bot.core.errors import InvalidInput
from bot.core.images import MAX_CAPTION, MAX_IMAGE_BYTES
from bot.core.ports import Decision
from bot.core.types import Inbound, Outcome, Receipt, Reply, SubscriptionChange
from bot.core.wib import WIB
from bot.storage import models
from bot.storage.broadcasts import SqlBroadcasts
from bot.storage.database import Database
from bot.storage.images import SqlImages
from bot.storage.inbox import SqlInbox
from bot.storage.models import utcnow
from bot.storage.outbox import SqlOutbox
from tests.fakes.images import png

MESSAGE_NUMBERS = itertools.count()


@pytest.fixture
def broadcasts(db: Database) -> SqlBroadcasts:
    return SqlBroadcasts(db)


async def turn(inbox: SqlInbox, chat: str, outcome: Outcome, language: str = "id") -> int:
    """A message from `chat` whose decision is `outcome` (its replies given back unsent)."""
    accepted = await inbox.accept(Inbound("telegram", chat, f"{chat}-{next(MESSAGE_NUMBERS)}"))
    ready = await inbox.commit(accepted.message_id, Decision(outcome, None, language, "PL-X", None))
    await SqlOutbox(inbox.db).release([reply.id for reply in ready], datetime.now(UTC))
    return accepted.citizen_id


async def subscribe(
    inbox: SqlInbox, chat: str, topic: str, area: str | None = None, language: str = "id"
) -> int:
    change = SubscriptionChange(topic, subscribe=True, area=area)
    return await turn(inbox, chat, Outcome(subscription=change), language)


async def queued(db: Database, broadcast_id: int) -> dict[str, str]:
    """chat id → text of the broadcast's outbox messages."""
    async with db.sessions() as session:
        rows = await session.execute(
            select(models.Citizen.chat_id, models.Message.text)
            .join(models.Citizen)
            .where(models.Message.broadcast_id == broadcast_id)
        )
        return {chat: text for chat, text in rows.tuples()}


async def test_a_subscription_records_consent_and_can_be_withdrawn(
    inbox: SqlInbox, db: Database
) -> None:
    await subscribe(inbox, "a", "bencana", area="sleman")
    await subscribe(inbox, "a", "narkoba")
    await subscribe(inbox, "a", "bencana", area="depok")  # a new area replaces the old
    async with db.sessions() as session:
        rows = (await session.scalars(select(models.Subscription))).all()
        actions = (await session.scalars(select(models.AuditEntry.action))).all()
    assert sorted((row.topic, row.area) for row in rows) == [
        ("bencana", "depok"),
        ("narkoba", None),
    ]
    assert all(row.consent_message_id is not None and row.consented_at for row in rows)
    assert actions.count("subscription.added") == 3

    await turn(inbox, "a", Outcome(subscription=SubscriptionChange("narkoba", subscribe=False)))
    async with db.sessions() as session:
        topics = (await session.scalars(select(models.Subscription.topic))).all()
    assert topics == ["bencana"]
    await turn(inbox, "a", Outcome(subscription=SubscriptionChange(None, subscribe=False)))
    async with db.sessions() as session:
        assert (await session.scalars(select(models.Subscription))).all() == []


async def test_a_broadcast_reaches_its_subscribers_once_in_their_language(
    inbox: SqlInbox, broadcasts: SqlBroadcasts, db: Database
) -> None:
    await subscribe(inbox, "sleman", "bencana", area="sleman")
    await subscribe(inbox, "anywhere", "bencana")
    await subscribe(inbox, "english", "bencana", language="en")
    await subscribe(inbox, "depok", "bencana", area="depok")
    await subscribe(inbox, "other-topic", "narkoba")
    blocked = await subscribe(inbox, "blocked", "bencana")
    async with db.sessions() as session, session.begin():
        await session.execute(
            update(models.Citizen).where(models.Citizen.id == blocked).values(unreachable=True)
        )

    broadcast_id = await broadcasts.create(
        topic="bencana",
        texts={"id": "Waspada banjir", "en": "Flood warning"},
        created_by="admin",
        area="Kecamatan Sleman",
        urgent=True,
    )
    assert await broadcasts.start_due() == [broadcast_id]
    assert await broadcasts.start_due() == []

    assert await queued(db, broadcast_id) == {
        "sleman": "Waspada banjir",
        "anywhere": "Waspada banjir",
        "english": "Flood warning",
    }
    progress = await broadcasts.progress(broadcast_id)
    assert progress is not None
    assert (progress.status, progress.queued, progress.unreachable) == ("sending", 3, 1)
    assert progress.area == "sleman"


async def test_a_due_broadcast_starts_once_with_two_processes(
    inbox: SqlInbox, broadcasts: SqlBroadcasts, database_url: str, db: Database
) -> None:
    for chat in range(20):
        await subscribe(inbox, f"c{chat}", "info")
    ids = [
        await broadcasts.create(topic="info", texts={"id": f"pengumuman {n}"}, created_by="a")
        for n in range(5)
    ]
    other = SqlBroadcasts(Database.connect(database_url))  # a second instance's pool
    try:
        started = await asyncio.gather(
            *((broadcasts if i % 2 else other).start_due() for i in range(6))
        )
    finally:
        await other.db.close()
    assert sorted(broadcast for batch in started for broadcast in batch) == ids
    for broadcast_id in ids:
        assert len(await queued(db, broadcast_id)) == 20


async def test_a_scheduled_broadcast_waits_for_its_time(
    inbox: SqlInbox, broadcasts: SqlBroadcasts
) -> None:
    await subscribe(inbox, "a", "kamtibmas")
    at = datetime.now(UTC) + timedelta(hours=1)
    broadcast_id = await broadcasts.create(
        topic="kamtibmas", texts={"id": "Kunci motor ganda"}, created_by="a", at=at
    )
    assert await broadcasts.start_due() == []
    progress = await broadcasts.progress(broadcast_id)
    assert progress is not None
    assert (progress.status, progress.recipients) == ("scheduled", 0)
    assert await broadcasts.start_due(at + timedelta(seconds=1)) == [broadcast_id]


async def test_cancel_stops_what_is_not_sent_yet(
    inbox: SqlInbox, outbox: SqlOutbox, broadcasts: SqlBroadcasts
) -> None:
    for chat in range(4):
        await subscribe(inbox, f"c{chat}", "lalu_lintas")
    broadcast_id = await broadcasts.create(
        topic="lalu_lintas", texts={"id": "Jalan ditutup"}, created_by="a"
    )
    await broadcasts.start_due()
    now = datetime.now(UTC)
    first, second, *_ = await outbox.due(["telegram"], now, 10)
    await outbox.mark_sent({first.id: Receipt()}, now)

    assert await broadcasts.cancel(broadcast_id, by="admin")
    assert not await broadcasts.cancel(broadcast_id, by="admin")
    await outbox.mark_sent({second.id: Receipt()}, now)  # was in flight: it did go out
    assert await outbox.due(["telegram"], now + timedelta(minutes=5), 10) == []
    progress = await broadcasts.progress(broadcast_id)
    assert progress is not None
    assert (progress.status, progress.sent, progress.cancelled, progress.queued) == (
        "cancelled",
        2,
        2,
        0,
    )


async def test_progress_is_done_when_nothing_is_queued(
    inbox: SqlInbox, outbox: SqlOutbox, broadcasts: SqlBroadcasts
) -> None:
    await subscribe(inbox, "a", "info")
    broadcast_id = await broadcasts.create(topic="info", texts={"id": "Halo"}, created_by="a")
    await broadcasts.start_due()
    now = datetime.now(UTC)
    [message] = await outbox.due(["telegram"], now, 10)
    await outbox.mark_sent({message.id: Receipt()}, now)
    [progress] = await broadcasts.latest()
    assert (progress.id, progress.status, progress.sent, progress.recipients) == (
        broadcast_id,
        "done",
        1,
        1,
    )


async def test_urgent_alerts_go_before_replies_and_replies_before_campaigns(
    inbox: SqlInbox, outbox: SqlOutbox, broadcasts: SqlBroadcasts
) -> None:
    await subscribe(inbox, "a", "narkoba")
    await subscribe(inbox, "b", "bencana")
    await broadcasts.create(topic="narkoba", texts={"id": "kampanye"}, created_by="a")
    await broadcasts.create(topic="bencana", texts={"id": "evakuasi"}, created_by="a", urgent=True)
    await broadcasts.start_due()
    await turn(inbox, "c", Outcome(replies=(Reply("jawaban"),)))
    due = await outbox.due(["telegram"], datetime.now(UTC) + timedelta(seconds=1), 10)
    assert [m.reply.text for m in due] == ["evakuasi", "jawaban", "kampanye"]


async def test_a_broadcast_needs_a_known_topic_and_indonesian_text(
    broadcasts: SqlBroadcasts,
) -> None:
    with pytest.raises(InvalidInput, match="unknown topic"):
        await broadcasts.create(topic="cuaca", texts={"id": "x"}, created_by="a")
    with pytest.raises(InvalidInput, match="'id'"):
        await broadcasts.create(topic="info", texts={"en": "x", "id": "  "}, created_by="a")


async def test_a_broadcast_time_in_the_past_is_refused(broadcasts: SqlBroadcasts) -> None:
    """A typo in the year must not send to every subscriber at once."""
    with pytest.raises(InvalidInput, match="in the past"):
        await broadcasts.create(
            topic="info", texts={"id": "x"}, created_by="a", at=utcnow() - timedelta(hours=2)
        )
    assert await broadcasts.latest() == []
    # The minute before, typed at its end and run seconds later, is still now.
    await broadcasts.create(
        topic="info", texts={"id": "x"}, created_by="a", at=utcnow() - timedelta(seconds=90)
    )


async def test_the_days_tip_is_created_once_at_its_time_and_changes_daily(
    broadcasts: SqlBroadcasts, database_url: str
) -> None:
    campaigns = {
        "kamtibmas": Campaign("kamtibmas", {"id": "Tips"}, ({"id": "satu"}, {"id": "dua"}))
    }
    tips = (DailyTip(campaign="kamtibmas", topic="kamtibmas", at="07:00"),)
    here = DailyTips(tips, campaigns)
    before = datetime(2026, 11, 26, 6, 59, tzinfo=WIB)
    assert await here.create_due(broadcasts, before) == []

    other = SqlBroadcasts(Database.connect(database_url))  # a second instance's pool
    try:
        at_seven = before + timedelta(minutes=6)
        instances = [(here, broadcasts), (DailyTips(tips, campaigns), other)]
        created = await asyncio.gather(*(t.create_due(b, at_seven) for t, b in instances))
    finally:
        await other.db.close()
    [today] = [broadcast for batch in created for broadcast in batch]
    assert await DailyTips(tips, campaigns).create_due(broadcasts, at_seven) == []  # a restart
    [tomorrow] = await here.create_due(broadcasts, at_seven + timedelta(days=1))
    first, second = await broadcasts.progress(today), await broadcasts.progress(tomorrow)
    assert first is not None
    assert second is not None
    assert {first.texts["id"], second.texts["id"]} == {"💡 Tips\nsatu", "💡 Tips\ndua"}
    assert first.scheduled_at == datetime(2026, 11, 26, 7, 0, tzinfo=WIB)


async def test_a_broadcast_picture_is_stored_once_and_goes_with_every_message(
    inbox: SqlInbox, db: Database, broadcasts: SqlBroadcasts
) -> None:
    images = SqlImages(db)
    picture = png(shade=200)
    image_id = await images.save(picture, "admin")
    assert await images.save(picture, "another admin") == image_id  # the same bytes: one row
    assert (await images.load(image_id)).data == picture
    for chat in ("p1", "p2"):
        await subscribe(inbox, chat, "narkoba")

    broadcast_id = await broadcasts.create(
        topic="narkoba", texts={"id": "Jauhi narkoba"}, created_by="admin", image_id=image_id
    )
    await broadcasts.start_due()

    due = await SqlOutbox(db).due(("telegram",), datetime.now(UTC) + timedelta(seconds=1), 10)
    assert sorted((m.chat_id, m.reply.image_id, m.reply.text) for m in due) == [
        ("p1", image_id, "Jauhi narkoba"),
        ("p2", image_id, "Jauhi narkoba"),
    ]
    progress = await broadcasts.progress(broadcast_id)
    assert progress is not None
    assert progress.image_id == image_id


async def test_a_picture_must_be_a_small_jpeg_or_png_and_its_caption_short(
    db: Database, broadcasts: SqlBroadcasts
) -> None:
    images = SqlImages(db)
    with pytest.raises(InvalidInput, match="JPEG or PNG"):
        await images.save(b"GIF89a" + bytes(100), "admin")
    with pytest.raises(InvalidInput, match="larger than 5 MB"):
        await images.save(b"\xff\xd8\xff" + bytes(MAX_IMAGE_BYTES), "admin")
    with pytest.raises(KeyError):
        await images.load("0" * 64)
    image_id = await images.save(png(), "admin")
    caption = "x" * (MAX_CAPTION + 1)
    with pytest.raises(InvalidInput, match=r"with an image .* at most 1024"):
        await broadcasts.create(
            topic="info", texts={"id": caption}, created_by="admin", image_id=image_id
        )
    # Without a picture the same text is fine.
    await broadcasts.create(topic="info", texts={"id": caption}, created_by="admin")
    # Telegram counts a caption in UTF-16 units: an emoji is 2.
    await broadcasts.create(
        topic="info", texts={"id": "x" * MAX_CAPTION}, created_by="admin", image_id=image_id
    )
    emoji = "🚨" * (MAX_CAPTION // 2 + 1)
    with pytest.raises(InvalidInput, match=r"with an image .* at most 1024"):
        await broadcasts.create(
            topic="info", texts={"id": emoji}, created_by="admin", image_id=image_id
        )


async def test_pictures_no_broadcast_uses_are_forgotten_after_a_day(
    db: Database, broadcasts: SqlBroadcasts
) -> None:
    images = SqlImages(db)
    sent = await images.save(png(shade=1), "admin")
    dropped = await images.save(png(shade=2), "admin")  # chosen for a preview, never sent
    await broadcasts.create(
        topic="info", texts={"id": "x"}, created_by="admin", image_id=sent, at=utcnow()
    )
    assert await images.forget_unused(utcnow() - timedelta(days=1)) == 0  # too recent
    assert await images.forget_unused(utcnow() + timedelta(seconds=1)) == 1
    assert await images.exists(sent)
    assert not await images.exists(dropped)
