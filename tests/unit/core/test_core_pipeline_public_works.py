"""A request to mend public works is a report, not danger now: the NLU reads "tolong lampu
jalan diperbaiki" as an emergency. Harm, or a danger-now word of the safety net, keeps it one."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from bot.core.types import Category
from tests.unit.core.pipeline_fakes import Chat, only_text


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("tolong lampu jalan di depan polsek diperbaiki", "di depan polsek"),
        ("jalan berlubang depan sekolah bahaya, tolong ditindak", "depan sekolah"),
    ],
)
async def test_a_request_to_mend_public_works_starts_a_report(
    chat: Chat, content: Content, text: str, place: str
) -> None:
    chat.nlu.says(text, "emergency", 0.99)

    decision = await chat.send(text)

    assert decision.outcome.ticket is None  # no urgent ticket
    assert only_text(decision) == "\n".join(
        (
            content.texts.get("id", "emergency.if_danger"),
            content.texts.get("id", "report.ask_where_exactly", place=place),
        )
    )
    assert chat.state is not None
    assert (chat.state.dialog, chat.state.data["what"]) == ("crime_report", text)
    assert decision.outcome.needs_review  # the admins' review lists it as overruled


@pytest.mark.parametrize(
    "text",
    [
        "jalan berlubang depan sekolah, barusan ada kecelakaan, orangnya luka",  # harm
        "lampu jalan mati, ada begal di gang",  # a word of the safety net
    ],
)
async def test_harm_beside_it_stays_an_emergency(chat: Chat, text: str) -> None:
    chat.nlu.says(text, "emergency", 0.99)

    decision = await chat.send(text)

    ticket = decision.outcome.ticket
    assert ticket is not None
    assert (ticket.category, ticket.urgent) == (Category.CRIME_REPORT, True)
    assert "110" in decision.outcome.replies[0].text
    assert not decision.outcome.needs_review
