"""The statements of the inbox (bot.storage.inbox), built once: building a statement costs
0.1-0.3 ms of CPU, 1-2 ms with a subquery or alias. Each reads by an index (see
tests/integration/storage/test_storage_plans.py)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.sql.dml import ReturningUpdate
from sqlalchemy.sql.selectable import Exists

from bot.core.types import Category
from bot.storage import models
from bot.storage.rows import select_outbound

TURN_TICKETS = 20  # a turn sees the citizen's latest tickets, this many at most

M = cast(Table, models.Message.__table__)
C = cast(Table, models.Citizen.__table__)
T = cast(Table, models.Ticket.__table__)
S = cast(Table, models.DialogStateRow.__table__)


def _claim_oldest() -> ReturningUpdate[tuple[int, int]]:
    """Claim up to :limit citizens' oldest unprocessed messages that nobody holds, oldest
    first. Read in id order and stopped at :limit (each checked by its citizen's index), not
    grouped over the whole backlog: a pass costs the same behind 100 or 10,000 waiting."""
    free = (
        select(M.c.id)
        .where(
            M.c.direction == "in",
            M.c.processed_at.is_(None),
            or_(M.c.claimed_until.is_(None), M.c.claimed_until < bindparam("now")),
            ~_earlier_waits(_unprocessed),
        )
        .order_by(M.c.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
    )
    return (
        update(M)
        .where(M.c.id.in_(free.scalar_subquery()))
        .values(claimed_until=bindparam("until"))
        .returning(M.c.id, M.c.citizen_id)
    )


def _earlier_waits(
    waiting: Callable[[Any], Sequence[ColumnElement[bool]]],
) -> Exists:
    """Whether an earlier message of the citizen waits; `waiting(earlier)` says which earlier
    ones count."""
    earlier = M.alias("earlier")
    return (
        select(earlier.c.id)
        .where(earlier.c.citizen_id == M.c.citizen_id, earlier.c.id < M.c.id, *waiting(earlier.c))
        .exists()
    )


def _claim_unless_behind(
    lease: str, waiting: Callable[[Any], Sequence[ColumnElement[bool]]]
) -> ReturningUpdate[tuple[int]]:
    """Claim (set `lease` to :until) those of the new messages :ids that no earlier message of
    their citizen is waiting ahead of; `waiting(earlier)` says which earlier ones count."""
    return (
        update(M)
        .where(M.c.id.in_(bindparam("ids", expanding=True)), ~_earlier_waits(waiting))
        .values({lease: bindparam("until")})
        .returning(M.c.id)
    )


def _unprocessed(earlier: Any) -> Sequence[ColumnElement[bool]]:
    """Received messages not yet processed."""
    return (earlier.direction == "in", earlier.processed_at.is_(None))


def _recent_tickets_query() -> Select[Any]:
    """Each of the citizens :ids' latest TURN_TICKETS tickets, newest first."""
    rank = (
        func.row_number()
        .over(partition_by=T.c.citizen_id, order_by=(T.c.created_at.desc(), T.c.id.desc()))
        .label("rank")
    )
    ranked = (
        select(
            T.c.citizen_id,
            T.c.code,
            T.c.category,
            T.c.urgent,
            T.c.status,
            T.c.created_at,
            T.c.summary,
            T.c.id,
            rank,
        )
        .where(T.c.citizen_id.in_(bindparam("ids", expanding=True)))
        .subquery()
    )
    return (
        select(ranked)
        .where(ranked.c.rank <= TURN_TICKETS)
        .order_by(ranked.c.citizen_id, ranked.c.rank)
    )


def _pairs_in(first: ColumnElement[str], second: ColumnElement[str]) -> ColumnElement[bool]:
    """(first, second) among the pairs :pairs, given with their :firsts and :seconds: SQLite
    seeks the index on (first, second) for a list of pairs only when each column's own list
    is there too (with the pairs alone it scans the table: 3 ms at 20,000 citizens)."""
    return and_(
        first.in_(bindparam("firsts", expanding=True)),
        second.in_(bindparam("seconds", expanding=True)),
        tuple_(first, second).in_(bindparam("pairs", expanding=True)),
    )


def pairs(pairs: Collection[tuple[str, str]]) -> dict[str, list[Any]]:
    """The parameters of a statement that looks up (first, second) pairs (`_pairs_in`)."""
    return {
        "pairs": list(pairs),
        "firsts": list({first for first, _ in pairs}),
        "seconds": list({second for _, second in pairs}),
    }


STORED = select(M.c.id, M.c.citizen_id, M.c.channel, M.c.external_id).where(
    _pairs_in(M.c.channel, M.c.external_id)
)
# Locked until the commit (see _citizen_ids).
CITIZENS = (
    select(C.c.id, C.c.channel, C.c.chat_id, C.c.display_name)
    .where(_pairs_in(C.c.channel, C.c.chat_id))
    .order_by(C.c.id)
    .with_for_update()
)
TURNS = (
    select(
        M.c.id,
        M.c.text,
        M.c.media,
        M.c.latitude,
        M.c.longitude,
        C.c.id.label("citizen_id"),
        C.c.channel,
        C.c.chat_id,
        C.c.language,
        C.c.display_name,
        S.c.dialog,
        S.c.step,
        S.c.data,
    )
    .join(C, M.c.citizen_id == C.c.id)
    .outerjoin(S, S.c.citizen_id == C.c.id)
    .where(
        M.c.id.in_(bindparam("ids", expanding=True)),
        M.c.direction == "in",
        M.c.processed_at.is_(None),
    )
)


def _recent_inbound(column: ColumnElement[Any], *where: ColumnElement[bool]) -> Select[Any]:
    """`column` of a citizen's messages since a time, newest first: by the index of a citizen's
    messages by direction and time (migration 0011)."""
    return (
        select(column)
        .where(
            M.c.citizen_id == bindparam("citizen_id"),
            M.c.direction == "in",
            M.c.created_at >= bindparam("since"),
            *where,
        )
        .order_by(M.c.created_at.desc(), M.c.id.desc())
    )


RECENT_TOPIC = _recent_inbound(M.c.faq_topic, M.c.faq_topic.is_not(None)).limit(1)
RECENT_QUESTIONS = _recent_inbound(M.c.text, M.c.category == Category.QUESTION.value).limit(
    bindparam("limit")
)
INSERT_MESSAGES = insert(M).returning(M.c.id, sort_by_parameter_order=True)
INSERT_CITIZENS = insert(C).returning(C.c.id, sort_by_parameter_order=True)
CLASSIFY = update(M).where(M.c.id == bindparam("message_id"))  # executemany: its values vary
# Only messages still unprocessed are touched (a retry is harmless).
MARK_PROCESSED = (
    update(M)
    .where(
        M.c.id.in_(bindparam("ids", expanding=True)),
        M.c.direction == "in",
        M.c.processed_at.is_(None),
    )
    .values(processed_at=bindparam("now"))
    .returning(M.c.id, M.c.citizen_id, M.c.channel)
)
CLAIM_OLDEST = _claim_oldest()
# Received messages: processed at once only when none of the citizen's waits.
CLAIM_FIRST = _claim_unless_behind("claimed_until", _unprocessed)
RECENT_TICKETS = _recent_tickets_query()
# A turn's replies: sent at once unless an earlier message to the chat waits (campaign
# broadcasts wait behind replies; a turn's own replies go together).
CLAIM_REPLIES = _claim_unless_behind(
    "next_attempt_at",
    lambda earlier: (
        earlier.direction == "out",
        earlier.delivery_status == "pending",
        earlier.priority <= M.c.priority,
        or_(earlier.in_reply_to.is_(None), earlier.in_reply_to != M.c.in_reply_to),
    ),
)
READ_REPLIES = (
    select_outbound()
    .add_columns(M.c.in_reply_to)
    .where(M.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(M.c.id)
)
