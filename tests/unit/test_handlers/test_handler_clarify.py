from collections.abc import Callable

import pytest

from bot.core.content import Content
from bot.core.handling import Context
from bot.core.types import Category, DialogState
from handlers import clarify

MakeContext = Callable[..., Context]
ORIGINAL = "ada yang aneh di depan rumah saya"


def choose_state(ranking: list[list[object]]) -> DialogState:
    return DialogState(
        "clarify", "choose", {"message_id": 41, "text": ORIGINAL, "ranking": ranking}
    )


def test_asks_with_three_buttons_and_remembers_the_message(
    make_context: MakeContext, content: Content
) -> None:
    context = make_context(
        ORIGINAL,
        intent="crime_report",
        confidence=0.3,
        ranking=[("crime_report", 0.3), ("faq_skck", 0.2)],
        message_id=41,
    )

    outcome = clarify.handle(context)

    [reply] = outcome.replies
    assert reply.text == content.texts.get("id", "clarify.ask")
    assert [b.payload for b in reply.buttons] == [
        "/pilih question",
        "/pilih crime_report",
        "/pilih feedback",
    ]
    assert not outcome.needs_review  # listed for review by its low confidence
    assert outcome.state == choose_state([["crime_report", 0.3], ["faq_skck", 0.2]])


@pytest.mark.parametrize("answer", ["/pilih crime_report", "laporan", "mau lapor aja"])
def test_a_report_choice_starts_the_report_from_the_original_text(
    make_context: MakeContext, answer: str
) -> None:
    outcome = clarify.handle(make_context(answer, state=choose_state([]), message_id=42))

    assert outcome.clarified == (41, Category.CRIME_REPORT)
    assert outcome.state is not None
    assert (outcome.state.dialog, outcome.state.step) == ("crime_report", "where")
    assert outcome.state.data["what"] == ORIGINAL


def test_a_feedback_choice_opens_a_feedback_ticket(make_context: MakeContext) -> None:
    outcome = clarify.handle(make_context("/pilih feedback", state=choose_state([])))

    assert outcome.clarified == (41, Category.FEEDBACK)
    assert outcome.ticket is not None
    assert outcome.ticket.category is Category.FEEDBACK
    assert outcome.ticket.details == {"feedback": ORIGINAL}


def test_a_question_choice_answers_the_best_ranked_question(
    make_context: MakeContext, content: Content
) -> None:
    state = choose_state([["faq_sim", 0.45], ["emergency", 0.3], ["faq_skck", 0.1]])

    outcome = clarify.handle(make_context("/pilih question", language="en", state=state))

    assert outcome.clarified == (41, Category.QUESTION)
    assert content.faq_answer("sim", "en").strip() in outcome.replies[0].text
    assert outcome.ticket is None


def test_a_weak_guess_offers_the_best_topics_and_an_officer(
    make_context: MakeContext, content: Content
) -> None:
    ranking = [["emergency", 0.3], ["faq_sim", 0.2], ["greet", 0.15], ["faq_skck", 0.1]]
    ranking += [["faq_tilang", 0.05]]

    outcome = clarify.handle(make_context("/pilih question", state=choose_state(ranking)))

    assert outcome.clarified == (41, Category.QUESTION)
    assert outcome.ticket is None
    [reply] = outcome.replies
    assert reply.text == content.texts.get("id", "clarify.guess")
    assert [(b.title, b.payload) for b in reply.buttons] == [
        (content.faq["sim"].title["id"], "/info sim"),
        (content.faq["skck"].title["id"], "/info skck"),
        (content.texts.get("id", "button.officer"), "/pilih officer"),
    ]
    assert outcome.state == DialogState("clarify", "guess", choose_state(ranking).data)


def test_after_a_weak_guess_the_officer_gets_the_message(make_context: MakeContext) -> None:
    state = DialogState("clarify", "guess", choose_state([["faq_sim", 0.2]]).data)

    outcome = clarify.handle(make_context("/pilih officer", command="/pilih", state=state))

    assert outcome.ticket is not None
    assert outcome.ticket.category is Category.QUESTION
    assert outcome.ticket.details == {"question": ORIGINAL}
    assert outcome.clarified is None  # chosen as a question before


def test_after_a_weak_guess_anything_else_is_rerouted(make_context: MakeContext) -> None:
    state = DialogState("clarify", "guess", choose_state([["faq_sim", 0.2]]).data)

    outcome = clarify.handle(make_context("syarat skck apa", state=state))

    assert outcome.reroute


def test_a_question_choice_without_a_ranked_question_goes_to_an_officer(
    make_context: MakeContext,
) -> None:
    outcome = clarify.handle(make_context("pertanyaan", state=choose_state([["greet", 0.4]])))

    assert outcome.clarified == (41, Category.QUESTION)
    assert outcome.ticket is not None
    assert outcome.ticket.category is Category.QUESTION
    assert outcome.ticket.details == {"question": ORIGINAL}


def test_anything_else_is_rerouted(make_context: MakeContext) -> None:
    outcome = clarify.handle(make_context("syarat skck apa", state=choose_state([])))

    assert outcome.reroute
    assert outcome.replies == ()
    assert outcome.clarified is None
