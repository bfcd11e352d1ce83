"""The statements the bot runs often read an index range, not a table: with SQLite on the
event loop's thread (bot/storage/sqlite_driver.py) a statement holds the loop while it runs.
Each test reads SQLite's plan of the statements a real call runs (PostgreSQL is skipped)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.core.types import Outcome, Reply
from bot.storage import models
from bot.storage.database import Database
from bot.storage.inbox import SqlInbox
from bot.storage.queries import RECEIVED_BETWEEN
from bot.storage.rows import select_outbound
from tests.integration.storage.conftest import QueryPlan
from tests.integration.storage.inbox_helpers import decision, inbound


async def test_storing_a_burst_of_chats_and_its_redelivery_reads_by_index(
    inbox: SqlInbox, db: Database, query_plan: QueryPlan
) -> None:
    """Each statement storing a batch of several chats' messages (and looking them up again
    when one is a redelivery) seeks an index: a scan of the citizens or messages table cost
    3 ms a batch at 20,000 citizens."""
    await inbox.accept(inbound("m0", chat_id="c0"))  # known citizen; m0 comes again below
    with statements_run(db, lambda sql: sql.startswith("SELECT")) as statements:
        await asyncio.gather(*(inbox.accept(inbound(f"m{n}", chat_id=f"c{n}")) for n in range(5)))
    assert {_table_read(sql) for sql, _ in statements} == {
        "citizens",
        "messages",
    }
    for sql, parameters in statements:
        steps = await query_plan(sql, parameters)
        scans = [step for step in steps if step.startswith(("SCAN citizens", "SCAN messages"))]
        assert scans == [], (sql, scans)


async def test_claims_read_only_the_citizens_own_waiting_messages(
    inbox: SqlInbox, db: Database, query_plan: QueryPlan
) -> None:
    """Claiming a new message, and a turn's replies, asks whether an earlier message of the
    same citizen still waits: by an index on the citizen, not by reading every row waiting for
    anyone (2-3 ms a claim behind 10,000 of them: a backlog, an alert broadcast's queue)."""
    with statements_run(db, lambda sql: sql.startswith("UPDATE") and " earlier" in sql) as claims:
        accepted = await inbox.accept(inbound("w1"))
        await inbox.commit(accepted.message_id, decision(Outcome(replies=(Reply("r"),))))
    assert len(claims) == 2  # the message's claim, its reply's claim
    for sql, parameters in claims:
        steps = await query_plan(sql, parameters)
        earlier = [step for step in steps if "earlier" in step]
        assert earlier, steps
        assert all("citizen_id=?" in step for step in earlier), steps


async def test_a_pass_reads_the_waiting_messages_in_order_up_to_its_limit(
    inbox: SqlInbox, db: Database, query_plan: QueryPlan
) -> None:
    """The worker's pass claims each citizen's oldest waiting message by reading them in id
    order until its limit, each checked by its citizen's index, not by grouping and sorting
    the whole backlog (12.9 ms a pass behind 10,000 waiting messages, 0.9 ms now)."""
    await inbox.accept(inbound("p1"))
    with statements_run(db, lambda sql: sql.startswith("UPDATE")) as claims:
        await inbox.pending(limit=10)
    [(sql, parameters)] = claims
    steps = await query_plan(sql, parameters)
    assert not [step for step in steps if "TEMP B-TREE" in step or "MATERIALIZE" in step], steps
    assert any(step.startswith("SEARCH earlier") and "citizen_id=?" in step for step in steps)


@contextlib.contextmanager
def statements_run(db: Database, wanted: Callable[[str], bool]) -> Iterator[list[tuple[str, Any]]]:
    """The statements (SQL text, parameters) the block runs that `wanted` picks."""
    run: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_: Any) -> None:
        if wanted(sql):
            run.append((sql, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield run
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


def _table_read(sql: str) -> str:
    words = sql.split()
    return words[words.index("FROM") + 1]


async def test_an_outbound_row_reads_its_citizens_last_inbound_time_by_index(
    query_plan: QueryPlan,
) -> None:
    """Each outbound row carries its citizen's last inbound time (WhatsApp's 24-hour window):
    one index lookup, not a scan of every inbound message (18 ms a row at 30,000 of them)."""
    steps = await query_plan(select_outbound().where(models.Message.id == 1))
    assert any(
        "USING COVERING INDEX ix_messages_citizen (citizen_id=? AND direction=?)" in step
        for step in steps
    ), steps


async def test_messages_received_in_a_month_are_counted_by_index(query_plan: QueryPlan) -> None:
    """The transparency page's monthly counts read an index range, not the whole table (99 ms
    for 11 months at 40,000 messages; with SQLite on the loop's thread a scan holds the loop)."""
    start = datetime(2026, 11, 1, tzinfo=UTC)
    steps = await query_plan(RECEIVED_BETWEEN, {"start": start, "end": start + timedelta(days=30)})
    assert any(
        "USING COVERING INDEX ix_messages_received (direction=? AND created_at>? AND created_at<?)"
        in step
        for step in steps
    ), steps


@pytest.mark.parametrize("read", ["recent_topic", "recent_questions"])
async def test_a_follow_up_question_reads_its_citizens_recent_messages_by_index(
    inbox: SqlInbox, db: Database, query_plan: QueryPlan, read: str
) -> None:
    """A question that names no topic looks up the citizen's last one, and a "what about …?"
    question the citizen's last questions: in the citizen's own recent messages (an index
    range), not in every message."""
    accepted = await inbox.accept(inbound("f1"))
    since = datetime.now(UTC) - timedelta(minutes=30)
    with statements_run(db, lambda sql: sql.startswith("SELECT messages.")) as reads:
        if read == "recent_topic":
            await inbox.recent_topic(accepted.citizen_id, since)
        else:
            await inbox.recent_questions(accepted.citizen_id, since, 3)
    [(sql, parameters)] = reads
    steps = await query_plan(sql, parameters)
    assert any(
        "USING INDEX ix_messages_citizen (citizen_id=? AND direction=? AND created_at>?)" in step
        for step in steps
    ), steps
