from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from bot.core.content import Content
from bot.core.evacuation import DisasterAlert
from bot.core.handling import Context
from bot.core.types import Location
from handlers import fallback

MakeContext = Callable[..., Context]


def test_fallback_says_so_and_shows_the_menu(make_context: MakeContext, content: Content) -> None:
    outcome = fallback.handle(make_context(""))

    [reply] = outcome.replies
    texts = content.texts
    assert reply.text == f"{texts.get('id', 'fallback.text')}\n\n{texts.get('id', 'menu.text')}"
    assert [b.payload for b in reply.buttons] == ["/lapor", "/status", "/saran", "/petugas"]
    assert outcome.ticket is None
    assert outcome.state is None


def test_fallback_in_english(make_context: MakeContext) -> None:
    outcome = fallback.handle(make_context("/unknown", language="en", command="/unknown"))

    assert outcome.replies[0].text.startswith("Sorry, I did not understand that message.")


def test_a_location_alone_in_disaster_mode_gets_the_nearest_evacuation_points(
    make_context: MakeContext, content: Content
) -> None:
    alert = DisasterAlert(
        "cangkringan", {"id": "Status Awas Merapi."}, datetime(2026, 11, 26, tzinfo=UTC)
    )
    context = make_context("", location=Location(-7.6, 110.44))

    calm = fallback.handle(context)
    in_disaster = fallback.handle(replace(context, disasters=(alert,)))

    assert calm.state is not None
    assert calm.state.dialog == "crime_report"  # what happened there?
    assert in_disaster.state is None
    assert content.texts.get("id", "evacuation.nearest") in in_disaster.replies[0].text
