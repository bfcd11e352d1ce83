from collections.abc import Callable
from dataclasses import replace

from bot.core.content import Content
from bot.core.handling import Context
from bot.core.types import Category, DialogState, Location, Media
from handlers import emergency

MakeContext = Callable[..., Context]


def test_first_reply_gives_110_and_112_and_opens_an_urgent_ticket(
    make_context: MakeContext,
) -> None:
    text = "tolong ada orang ditusuk di depan rumah saya"
    outcome = emergency.handle(
        make_context(text, intent="emergency", confidence=0.6, location=Location(-7.0, 110.4))
    )

    [reply] = outcome.replies
    assert "110" in reply.text
    assert "112" in reply.text
    assert "PL-7K3M-Q9XD" in reply.text
    ticket = outcome.ticket
    assert ticket is not None
    assert ticket.urgent
    assert ticket.category is Category.CRIME_REPORT
    assert ticket.details == {"what": text}
    assert ticket.location == Location(-7.0, 110.4)
    assert (ticket.intent, ticket.confidence) == ("emergency", 0.6)
    assert outcome.state == DialogState(
        "emergency", "follow_up", {"code": "PL-7K3M-Q9XD", "count": 0}
    )


def test_english_emergency_reply(make_context: MakeContext) -> None:
    outcome = emergency.handle(
        make_context("help someone is breaking in", language="en", intent="emergency")
    )

    text = outcome.replies[0].text
    assert text.startswith("🚨 EMERGENCY")
    assert "110" in text
    assert "112" in text


def test_follow_up_adds_to_the_open_ticket(make_context: MakeContext, content: Content) -> None:
    state = DialogState("emergency", "follow_up", {"code": "PL-AAAA-BBBB", "count": 0})

    outcome = emergency.handle(
        make_context(
            "jl. melati no 5",
            state=state,
            location=Location(-6.9, 107.6),
            media=(Media("photo", "p1"),),
            ticket_code="PL-CCCC-DDDD",
        )
    )

    update = outcome.ticket_update
    assert update is not None
    assert update.code == "PL-AAAA-BBBB"
    assert update.note == "jl. melati no 5"
    assert update.location == Location(-6.9, 107.6)
    assert update.media == (Media("photo", "p1"),)
    assert outcome.ticket is None
    assert outcome.replies[0].text == content.texts.get(
        "id", "emergency.followup", code="PL-AAAA-BBBB"
    )
    assert outcome.state == DialogState(
        "emergency", "follow_up", {"code": "PL-AAAA-BBBB", "count": 1}
    )


def test_follow_ups_stop_after_the_limit(make_context: MakeContext) -> None:
    state = DialogState("emergency", "follow_up", {"code": "PL-AAAA-BBBB", "count": 0})
    for expected in range(1, emergency.MAX_FOLLOW_UPS):
        outcome = emergency.handle(make_context("lagi", state=state))
        assert outcome.state is not None
        assert outcome.state.data["count"] == expected
        state = outcome.state

    last = emergency.handle(make_context("lagi", state=state))

    assert last.ticket_update is not None
    assert last.state is None


def test_a_missing_person_is_asked_who_they_are(
    make_context: MakeContext, content: Content
) -> None:
    text = "anak sy ga pulang2 dari semalam, hp nya mati"
    outcome = emergency.handle(make_context(text, intent="emergency"))  # photos accepted

    [reply] = outcome.replies
    code = "PL-7K3M-Q9XD"
    assert reply.text == "\n".join(
        (
            content.texts.get("id", "emergency.missing", code=code),
            content.texts.get("id", "emergency.missing_photo"),
        )
    )
    assert "110" in reply.text
    assert outcome.ticket is not None
    assert outcome.ticket.urgent


def test_a_missing_person_on_a_channel_without_photos_is_not_asked_for_one(
    make_context: MakeContext, content: Content
) -> None:
    text = "my daughter is lost in the crowd at the night market"
    context = make_context(text, language="en", intent="emergency")
    outcome = emergency.handle(replace(context, accepts_media=False))

    code = "PL-7K3M-Q9XD"
    assert outcome.replies[0].text == content.texts.get("en", "emergency.missing", code=code)


def test_a_missing_persons_description_is_thanked_as_such(
    make_context: MakeContext, content: Content
) -> None:
    first = emergency.handle(make_context("adik saya hilang di pasar", intent="emergency"))
    assert first.state is not None
    assert first.state.data["missing"] is True

    described = emergency.handle(
        make_context(
            "namanya Rina, 7 tahun, baju kuning, terakhir di dekat tukang es", state=first.state
        )
    )

    code = "PL-7K3M-Q9XD"
    assert [r.text for r in described.replies] == [
        content.texts.get("id", "emergency.missing_followup", code=code)
    ]
    assert described.ticket_update is not None
    assert described.state is not None
    assert described.state.data == {"code": code, "count": 1, "missing": True}
