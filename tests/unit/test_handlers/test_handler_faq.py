from collections.abc import Callable
from dataclasses import replace

from bot.core.content import Content
from bot.core.handling import Context
from bot.core.types import Category, DialogState
from handlers import faq

MakeContext = Callable[..., Context]


def test_answers_the_topic_in_indonesian(make_context: MakeContext, content: Content) -> None:
    outcome = faq.handle(make_context("syarat skck apa", intent="faq_skck"))

    [reply] = outcome.replies
    assert reply.text.startswith(content.faq_answer("skck", "id").strip())
    assert reply.text.endswith(content.texts.get("id", "faq.follow_up"))
    assert [b.payload for b in reply.buttons] == ["/petugas", "/menu"]
    assert [b.title for b in reply.buttons] == ["Tanya petugas", "Menu"]
    assert outcome.ticket is None
    assert outcome.state is None


def test_answers_the_topic_in_english(make_context: MakeContext, content: Content) -> None:
    outcome = faq.handle(make_context("how to renew a SIM", language="en", intent="faq_sim"))

    [reply] = outcome.replies
    assert reply.text.startswith(content.faq_answer("sim", "en").strip())
    assert content.faq_answer("sim", "id").strip() not in reply.text
    assert reply.text.endswith(content.texts.get("en", "faq.follow_up"))
    assert [b.title for b in reply.buttons] == ["Ask an officer", "Menu"]


def test_every_faq_intent_has_an_answer_in_both_languages(
    make_context: MakeContext, content: Content
) -> None:
    topics = {
        name: spec.faq_topic
        for name, spec in make_context().intents.specs.items()
        if spec.handler == "faq"
    }
    assert len(topics) == 14
    for intent, topic in topics.items():
        assert topic is not None
        for language in ("id", "en"):
            [reply] = faq.handle(make_context("q", language=language, intent=intent)).replies
            assert content.faq_answer(topic, language).strip() in reply.text


def test_without_a_topic_the_question_goes_to_an_officer(make_context: MakeContext) -> None:
    outcome = faq.handle(make_context("bisa minta rekaman cctv?", intent="question_other"))

    assert outcome.ticket is not None
    assert outcome.ticket.category is Category.QUESTION
    assert outcome.ticket.details == {"question": "bisa minta rekaman cctv?"}
    assert outcome.ticket.intent == "question_other"
    assert "PL-7K3M-Q9XD" in outcome.replies[0].text


def test_an_unknown_topic_goes_to_an_officer(make_context: MakeContext) -> None:
    context = make_context("tanya", intent="faq_skck")
    assert context.classification is not None
    context = replace(
        context, classification=replace(context.classification, faq_topic="no_such_topic")
    )

    outcome = faq.handle(context)

    assert outcome.ticket is not None
    assert outcome.ticket.faq_topic == "no_such_topic"


def test_faq_keeps_no_dialog(make_context: MakeContext) -> None:
    state = DialogState("clarify", "choose", {})
    assert faq.handle(make_context("skck", intent="faq_skck", state=state)).state is None
