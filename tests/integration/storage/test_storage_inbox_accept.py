"""SqlInbox: accepting inbound messages (redeliveries, bursts) and claiming them."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.core.types import Inbound, Location, Media, Outcome, Reply
from bot.storage import models
from bot.storage.database import Database
from bot.storage.inbox import SqlInbox
from tests.integration.storage.inbox_helpers import count, decision, inbound


async def test_accept_stores_citizen_and_message(inbox: SqlInbox) -> None:
    accepted = await inbox.accept(
        inbound("u1", "tolong", display_name="Budi", location=Location(-7.8, 110.4))
    )
    assert not accepted.duplicate
    turn = await inbox.load_turn(accepted.message_id)
    assert turn is not None
    assert turn.message.text == "tolong"
    assert turn.message.location == Location(-7.8, 110.4)
    assert turn.message.citizen.id == accepted.citizen_id
    assert turn.message.citizen.display_name == "Budi"
    assert turn.message.citizen.language == "id"
    assert turn.state is None
    assert list(turn.tickets) == []


async def test_redelivery_is_a_duplicate(inbox: SqlInbox, db: Database) -> None:
    first = await inbox.accept(inbound("u1", media=(Media("photo", "f1"),)))
    again = await inbox.accept(inbound("u1"))
    assert again == type(first)(first.message_id, first.citizen_id, duplicate=True)
    assert await count(db) == 1


async def test_same_external_id_on_another_channel_is_a_new_message(inbox: SqlInbox) -> None:
    telegram = await inbox.accept(inbound("u1"))
    whatsapp = await inbox.accept(Inbound(channel="whatsapp", chat_id="42", external_id="u1"))
    assert not whatsapp.duplicate
    assert whatsapp.citizen_id != telegram.citizen_id


async def test_concurrent_redeliveries_store_one_row(database_url: str, db: Database) -> None:
    other = Database.connect(database_url)
    try:
        results = await asyncio.gather(
            *(SqlInbox(database).accept(inbound("race")) for database in (db, other, db, other))
        )
    finally:
        await other.close()
    assert await count(db) == 1
    assert sorted(result.duplicate for result in results) == [False, True, True, True]
    assert len({(result.message_id, result.citizen_id) for result in results}) == 1


async def test_a_concurrent_burst_is_stored_read_and_committed_in_groups(
    inbox: SqlInbox, db: Database
) -> None:
    # 10 chats, 2 messages each, every message delivered twice: all at once.
    deliveries = [inbound(f"m{n}", chat_id=f"c{n % 10}") for n in range(20)] * 2
    accepted = await asyncio.gather(*map(inbox.accept, deliveries))

    assert await count(db) == 20
    originals, redeliveries = accepted[:20], accepted[20:]
    assert not any(a.duplicate for a in originals)
    assert all(a.duplicate for a in redeliveries)
    assert [a.message_id for a in redeliveries] == [a.message_id for a in originals]
    assert len({a.citizen_id for a in originals}) == 10

    first_of_each_chat = originals[:10]
    turns = await asyncio.gather(*(inbox.load_turn(a.message_id) for a in first_of_each_chat))
    assert [t.message.id for t in turns if t] == [a.message_id for a in first_of_each_chat]
    await asyncio.gather(
        *(
            inbox.commit(a.message_id, decision(Outcome(replies=(Reply(f"r{a.message_id}"),))))
            for a in first_of_each_chat
        )
    )
    pending = {item.message_id for item in await inbox.pending(limit=50)}
    assert pending == {a.message_id for a in originals[10:]}
    async with db.sessions() as session:
        replies = (
            await session.scalars(
                select(models.Message.text).where(models.Message.direction == "out")
            )
        ).all()
    assert sorted(replies) == sorted(f"r{a.message_id}" for a in first_of_each_chat)


async def test_display_name_is_updated_but_not_erased(inbox: SqlInbox) -> None:
    await inbox.accept(inbound("u1", display_name="Budi"))
    await inbox.accept(inbound("u2", display_name="Budi S."))
    latest = await inbox.accept(inbound("u3"))
    turn = await inbox.load_turn(latest.message_id)
    assert turn is not None
    assert turn.message.citizen.display_name == "Budi S."


async def test_accept_claims_a_message_only_when_nothing_of_its_citizen_waits(
    inbox: SqlInbox,
) -> None:
    first, second = [await inbox.accept(inbound(f"u{n}")) for n in range(2)]
    other = await inbox.accept(inbound("o1", chat_id="another-chat"))
    assert (first.claimed, second.claimed, other.claimed) == (True, False, True)
    # A claimed message is skipped by the worker's passes, and so is its citizen.
    assert await inbox.pending(limit=10) == []
    await inbox.commit(first.message_id, decision(Outcome()))
    assert [item.message_id for item in await inbox.pending(limit=10)] == [second.message_id]
    await inbox.commit(second.message_id, decision(Outcome()))
    third, again = await asyncio.gather(inbox.accept(inbound("u3")), inbox.accept(inbound("u3")))
    assert (third.claimed, third.duplicate) == (True, False)
    assert (again.claimed, again.duplicate) == (False, True)


async def test_pending_claims_each_citizens_oldest_unprocessed_message(inbox: SqlInbox) -> None:
    ids = [(await inbox.accept(inbound(f"u{n}"))).message_id for n in range(3)]
    other = await inbox.accept(inbound("o1", chat_id="another-chat"))
    await inbox.release([other.message_id])  # as if nobody answered it at once
    await inbox.commit(ids[0], decision(Outcome()))
    [first] = await inbox.pending(limit=1)
    assert first.message_id == ids[1]
    assert not first.duplicate
    # Claimed: its citizen is skipped (their next message must wait for this one).
    assert [item.message_id for item in await inbox.pending(limit=10)] == [other.message_id]
    assert await inbox.pending(limit=10) == []
    await inbox.release([ids[1]])
    assert [item.message_id for item in await inbox.pending(limit=10)] == [ids[1]]


async def test_concurrent_claims_never_share_a_citizen(inbox: SqlInbox, database_url: str) -> None:
    for chat in range(20):
        for n in range(3):
            accepted = await inbox.accept(inbound(f"c{chat}-{n}", chat_id=f"chat-{chat}"))
            await inbox.release([accepted.message_id])
    other = SqlInbox(Database.connect(database_url))  # a second instance's connection pool
    try:
        claims = await asyncio.gather(
            *((inbox if i % 2 else other).pending(limit=4) for i in range(8))
        )
    finally:
        await other.db.close()
    citizens = [item.citizen_id for claim in claims for item in claim]
    assert len(citizens) == len(set(citizens)) == 20


async def test_two_processes_storing_one_citizens_messages_claim_one(
    inbox: SqlInbox, database_url: str
) -> None:
    other = SqlInbox(Database.connect(database_url))  # a second instance's connection pool
    try:
        for round_ in range(10):
            chat = f"chat-{round_}"
            known = await inbox.accept(inbound(f"{chat}-0", chat_id=chat))
            await inbox.commit(known.message_id, decision(Outcome()))
            both = await asyncio.gather(
                inbox.accept(inbound(f"{chat}-1", chat_id=chat)),
                other.accept(inbound(f"{chat}-2", chat_id=chat)),
            )
            assert sorted(accepted.claimed for accepted in both) == [False, True]
    finally:
        await other.db.close()
