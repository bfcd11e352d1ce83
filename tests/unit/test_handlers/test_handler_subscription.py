from collections.abc import Callable

import pytest

from bot.core.content import Content
from bot.core.handling import Context, Handler
from bot.core.subscriptions import TOPICS, TopicRequest, read_topic
from bot.core.types import SubscriptionChange
from handlers import subscription

MakeContext = Callable[..., Context]


@pytest.mark.parametrize(
    ("arguments", "request_"),
    [
        ("", TopicRequest(None)),
        ("bencana", TopicRequest("bencana")),
        ("Lalu-Lintas Kec. Sleman", TopicRequest("lalu_lintas", "sleman")),
        ("traffic kecamatan  Depok  Barat", TopicRequest("lalu_lintas", "depok barat")),
        ("drugs", TopicRequest("narkoba")),
        ("semua", TopicRequest("semua")),
        ("cuaca besok", TopicRequest(None, unknown="cuaca")),
    ],
)
def test_read_topic(arguments: str, request_: TopicRequest) -> None:
    assert read_topic(arguments) == request_


def test_subscribe_to_a_topic_in_an_area(make_context: MakeContext, content: Content) -> None:
    text = "/langganan bencana kecamatan sleman"
    outcome = subscription.subscribe(make_context(text, command="/langganan", channel="telegram"))

    assert outcome.subscription == SubscriptionChange("bencana", subscribe=True, area="sleman")
    [reply] = outcome.replies
    assert content.texts.get("id", "topic.bencana") in reply.text
    assert "Kecamatan Sleman" in reply.text
    assert "/berhenti" in reply.text


def test_subscribe_without_a_topic_offers_every_topic(make_context: MakeContext) -> None:
    outcome = subscription.subscribe(
        make_context("/subscribe", language="en", command="/subscribe", channel="whatsapp")
    )

    assert outcome.subscription is None
    [reply] = outcome.replies
    assert [b.payload for b in reply.buttons] == [f"/langganan {topic}" for topic in TOPICS]
    assert reply.buttons[0].title == "Disaster & evacuation alerts"


def test_an_unknown_topic_is_named_and_the_topics_offered(make_context: MakeContext) -> None:
    outcome = subscription.subscribe(
        make_context("/langganan cuaca", command="/langganan", channel="telegram")
    )

    assert outcome.subscription is None
    [reply] = outcome.replies
    assert '"cuaca"' in reply.text
    assert len(reply.buttons) == len(TOPICS)


def test_unsubscribe_from_one_topic_or_all(make_context: MakeContext, content: Content) -> None:
    one = subscription.unsubscribe(
        make_context("/berhenti narkoba", command="/berhenti", channel="telegram")
    )
    everything = subscription.unsubscribe(
        make_context("/berhenti semua", command="/berhenti", channel="whatsapp")
    )

    assert one.subscription == SubscriptionChange("narkoba", subscribe=False)
    assert everything.subscription == SubscriptionChange(None, subscribe=False)
    assert content.texts.get("id", "unsubscribe.all") in everything.replies[0].text


@pytest.mark.parametrize("text", ["/berhenti", "berhenti", "Unsubscribe!"])
def test_unsubscribe_without_a_topic_offers_the_topics_and_all(
    make_context: MakeContext, text: str
) -> None:
    outcome = subscription.unsubscribe(make_context(text, command="/berhenti", channel="telegram"))

    assert outcome.subscription is None
    payloads = [b.payload for b in outcome.replies[0].buttons]
    assert payloads == [*(f"/berhenti {topic}" for topic in TOPICS), "/berhenti semua"]


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("/langganan bencana", subscription.subscribe),
        ("/berhenti", subscription.unsubscribe),
        ("/berhenti semua", subscription.unsubscribe),
    ],
)
def test_the_web_chat_says_where_to_subscribe(
    make_context: MakeContext, content: Content, text: str, handle: Handler
) -> None:
    outcome = handle(make_context(text, command=text.split()[0]))

    assert outcome.subscription is None
    assert outcome.replies[0].text == content.texts.get("id", "subscribe.unavailable")
    assert [b.payload for b in outcome.replies[0].buttons] == ["/tips"]  # read here instead


@pytest.mark.parametrize(
    ("text", "handle", "command"),
    [
        ("saya mau berlangganan info bencana", subscription.subscribe, "/langganan"),
        ("stop kirim pesan", subscription.unsubscribe, "/berhenti"),
    ],
)
def test_asked_in_words_the_topics_are_offered(
    make_context: MakeContext, text: str, handle: Handler, command: str
) -> None:
    outcome = handle(make_context(text, channel="whatsapp"))  # the NLU's intent, no command

    assert outcome.subscription is None
    [reply] = outcome.replies
    assert [b.payload for b in reply.buttons][: len(TOPICS)] == [f"{command} {t}" for t in TOPICS]
    assert "tidak ada" not in reply.text  # the words are not read as a topic
