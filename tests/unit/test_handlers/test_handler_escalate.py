from collections.abc import Callable

from bot.core.content import Content
from bot.core.handling import Context
from bot.core.types import Category, DialogState
from handlers import escalate

MakeContext = Callable[..., Context]


def test_petugas_asks_for_the_question(make_context: MakeContext, content: Content) -> None:
    outcome = escalate.handle(make_context("/petugas", command="/petugas"))

    assert outcome.replies[0].text == content.texts.get("id", "escalate.ask")
    assert outcome.state == DialogState("escalate", "text")
    assert outcome.ticket is None


def test_the_question_after_petugas_goes_to_an_officer(
    make_context: MakeContext, content: Content
) -> None:
    outcome = escalate.handle(
        make_context("kapan operasi zebra dimulai?", state=DialogState("escalate", "text"))
    )

    ticket = outcome.ticket
    assert ticket is not None
    assert ticket.category is Category.QUESTION
    assert not ticket.urgent
    assert ticket.details == {"question": "kapan operasi zebra dimulai?"}
    assert ticket.faq_topic is None
    assert outcome.state is None
    assert outcome.replies[0].text == content.texts.get("id", "escalate.done", code="PL-7K3M-Q9XD")


def test_a_classified_question_keeps_its_labels(make_context: MakeContext) -> None:
    outcome = escalate.handle(
        make_context("bisa minta pengawalan?", intent="question_other", confidence=0.7)
    )

    assert outcome.ticket is not None
    assert (outcome.ticket.intent, outcome.ticket.confidence) == ("question_other", 0.7)


def test_an_empty_question_keeps_the_dialog(make_context: MakeContext) -> None:
    state = DialogState("escalate", "text")

    outcome = escalate.handle(make_context("", state=state))

    assert outcome.ticket is None
    assert outcome.state == state


def test_asking_for_an_officer_asks_for_the_question(
    make_context: MakeContext, content: Content
) -> None:
    text = "sambungin ke petugas aja"
    outcome = escalate.ask(make_context(text, intent="ask_officer", confidence=0.9))

    assert outcome.replies[0].text == content.texts.get("id", "escalate.ask")
    assert outcome.state == DialogState("escalate", "text")
    assert outcome.ticket is None  # the question to come becomes the ticket
