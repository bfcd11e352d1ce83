from collections.abc import Callable

from bot.core.content import Content
from bot.core.handling import Context
from bot.core.router import COMMAND_HANDLERS, parse_command
from handlers import education

MakeContext = Callable[..., Context]


def test_tips_and_edukasi_open_the_campaign_list(
    make_context: MakeContext, content: Content
) -> None:
    assert parse_command("Tips?") == "/tips"
    assert COMMAND_HANDLERS["/tips"] == COMMAND_HANDLERS["/edukasi"] == "education"
    outcome = education.handle(make_context("tips", command="/tips"))

    [reply] = outcome.replies
    assert reply.text == content.texts.get("id", "education.choose")  # the web chat: no /langganan
    assert {b.payload for b in reply.buttons} == {f"/edukasi {key}" for key in content.campaigns}
    assert "Bahaya narkoba" in [b.title for b in reply.buttons]


def test_where_broadcasts_reach_the_citizen_the_list_offers_to_subscribe(
    make_context: MakeContext, content: Content
) -> None:
    outcome = education.handle(make_context("tips", command="/tips", channel="telegram"))

    texts = content.texts
    choose, subscribe = (
        texts.get("id", "education.choose"),
        texts.get("id", "education.can_subscribe"),
    )
    assert outcome.replies[0].text == f"{choose} {subscribe}"


def test_a_campaign_gives_a_tip_and_another_one_next_time(
    make_context: MakeContext, content: Content
) -> None:
    first = education.handle(
        make_context("/edukasi narkoba", message_id=1, command="/edukasi", channel="telegram")
    )
    second = education.handle(make_context("/edukasi narkoba", message_id=2, command="/edukasi"))

    tips = [tip["id"] for tip in content.campaigns["narkoba"].tips]
    assert first.replies[0].text.startswith("💡 Bahaya narkoba\n")
    assert first.replies[0].text.split("\n", 1)[1] in tips
    assert first.replies[0].text != second.replies[0].text
    assert [b.payload for b in first.replies[0].buttons] == [
        "/edukasi narkoba",
        "/edukasi",
        "/langganan",
    ]
    # The web chat receives no broadcasts: no button to subscribe there.
    assert [b.payload for b in second.replies[0].buttons] == ["/edukasi narkoba", "/edukasi"]


def test_a_tip_in_english(make_context: MakeContext) -> None:
    text = (
        education.handle(make_context("/edukasi penipuan", language="en", command="/edukasi"))
        .replies[0]
        .text
    )
    assert text.startswith("💡 Online scam awareness\n")
