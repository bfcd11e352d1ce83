"""Changing a part of a report at its summary (handlers/crime_report.py): "Ubah", then the
part, then the summary again with the new answer; or typed ("eh tempatnya salah")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.core.content import Content
from bot.core.handling import Context
from bot.core.types import DialogState, Location, Outcome
from handlers import crime_report

MakeContext = Callable[..., Context]
REPORT = {
    "what": "hp saya dijambret di jalan tadi sore",
    "where": "jalan merdeka depan indomaret",
    "when": "tadi sore, jam 5an",
    "anonymous": False,
}


def at_summary(**changes: Any) -> DialogState:
    return DialogState("crime_report", "confirm", {**REPORT, **changes})


def reply_of(outcome: Outcome) -> tuple[str, list[str]]:
    [reply] = outcome.replies
    return reply.text, [button.payload for button in reply.buttons]


def step_of(outcome: Outcome) -> tuple[str, dict[str, Any]]:
    assert outcome.state is not None
    assert outcome.state.dialog == "crime_report"
    return outcome.state.step, dict(outcome.state.data)


def summary(content: Content, data: dict[str, Any], language: str = "id") -> str:
    identity = "report.identity_anonymous" if data["anonymous"] else "report.identity_named"
    return content.texts.get(
        language,
        "report.confirm",
        what=data["what"],
        where=data["where"],
        when=data["when"],
        photos=content.texts.get(language, "report.photos", count=0),
        identity=content.texts.get(language, identity),
    )


def test_change_asks_which_part_with_a_button_for_each(
    make_context: MakeContext, content: Content
) -> None:
    outcome = crime_report.handle(make_context("/ubah", command="/ubah", state=at_summary()))

    text, payloads = reply_of(outcome)
    assert text == content.texts.get("id", "report.ask_change")
    assert payloads == ["/ubah what", "/ubah where", "/ubah when", "/ubah anonymous"]
    assert step_of(outcome) == ("change", REPORT)
    assert outcome.ticket is None


@pytest.mark.parametrize(
    ("part", "prompt", "answer", "key", "new"),
    [
        ("what", "report.ask_what", "tas saya dijambret, isinya hp", "what", None),
        ("where", "report.ask_where", "jalan pahlawan dekat masjid", "where", None),
        ("when", "report.ask_when", "kemarin jam 9 malam", "when", None),
        ("anonymous", "report.ask_anonymous", "/ya", "anonymous", True),
    ],
)
def test_a_chosen_part_is_asked_plainly_and_its_answer_replaces_the_old(
    make_context: MakeContext,
    content: Content,
    part: str,
    prompt: str,
    answer: str,
    key: str,
    new: object,
) -> None:
    state = DialogState("crime_report", "change", dict(REPORT))
    asked = crime_report.handle(make_context(f"/ubah {part}", command="/ubah", state=state))
    assert reply_of(asked)[0] == content.texts.get("id", prompt)
    assert step_of(asked)[0] == part

    command = answer if answer.startswith("/") else None
    outcome = crime_report.handle(make_context(answer, command=command, state=asked.state))

    new_step, data = step_of(outcome)
    expected = {**REPORT, key: answer if new is None else new}
    assert (new_step, data) == ("confirm", expected)  # back at the summary, nothing else asked
    text, payloads = reply_of(outcome)
    assert text == f"{content.texts.get('id', 'report.changed')}\n{summary(content, expected)}"
    assert payloads == ["/kirim", "/ubah", "/batal"]


def test_a_new_place_drops_the_location_shared_before(make_context: MakeContext) -> None:
    state = DialogState("crime_report", "change", {**REPORT, "latitude": -6.5, "longitude": 106.7})
    asked = crime_report.handle(make_context("/ubah where", command="/ubah", state=state))
    assert "latitude" not in step_of(asked)[1]

    shared = crime_report.handle(
        make_context("", location=Location(-6.2, 106.8), state=asked.state)
    )

    new_step, data = step_of(shared)
    assert new_step == "confirm"
    assert (data["latitude"], data["longitude"], data["where"]) == (-6.2, 106.8, "")


@pytest.mark.parametrize(
    ("typed", "part"),
    [
        ("eh tempatnya salah", "where"),
        ("ralat jamnya pak", "when"),
        ("the time is wrong", "when"),
        ("ada yang salah", "change"),  # no part named: which one?
        ("lokasi dan jamnya salah", "change"),  # two: which first?
    ],
)
def test_a_change_typed_at_the_summary_asks_for_that_part(
    make_context: MakeContext, typed: str, part: str
) -> None:
    outcome = crime_report.handle(make_context(typed, state=at_summary()))

    assert outcome.ticket is None
    assert step_of(outcome)[0] == part
    assert step_of(outcome)[1]["what"] == REPORT["what"]  # not added to what happened


@pytest.mark.parametrize(
    "typed", ["yes that's right", "kirim", "platnya AB 1234 XY, pelakunya 2 orang"]
)
def test_no_change_asked_at_the_summary(make_context: MakeContext, typed: str) -> None:
    outcome = crime_report.handle(make_context(typed, state=at_summary()))

    assert outcome.state is None or step_of(outcome)[0] == "confirm"


def test_an_unclear_part_is_asked_again(make_context: MakeContext, content: Content) -> None:
    state = DialogState("crime_report", "change", dict(REPORT))

    outcome = crime_report.handle(make_context("hmm", state=state))

    assert reply_of(outcome)[0] == (
        f"{content.texts.get('id', 'report.need_part')}\n{content.texts.get('id', 'report.ask_change')}"
    )
    assert step_of(outcome)[0] == "change"


def test_changing_speaks_english(make_context: MakeContext, content: Content) -> None:
    state = DialogState("crime_report", "change", dict(REPORT))

    asked = crime_report.handle(make_context("the place", language="en", state=state))

    assert reply_of(asked)[0] == content.texts.get("en", "report.ask_where")


@pytest.mark.parametrize(
    ("typed", "key", "right"),
    [
        ("eh tempatnya salah, yang bener di jalan pahlawan", "where", "di jalan pahlawan"),
        ("jamnya salah, harusnya jam 6 sore", "when", "jam 6 sore"),
        ("wrong time, it should be around 9 pm.", "when", "around 9 pm"),
    ],
)
def test_a_change_typed_with_the_right_answer_takes_it_at_once(
    make_context: MakeContext, content: Content, typed: str, key: str, right: str
) -> None:
    outcome = crime_report.handle(make_context(typed, state=at_summary()))

    new_step, data = step_of(outcome)
    assert (new_step, data) == ("confirm", {**REPORT, key: right})
    expected = f"{content.texts.get('id', 'report.changed')}\n{summary(content, data)}"
    assert reply_of(outcome)[0] == expected
