"""Low confidence: ask whether the message is a question, a report or feedback, then route it."""

from __future__ import annotations

from dataclasses import replace

from bot.core.content import in_language
from bot.core.handling import CLARIFY, FAQ, FOLLOW_UP, Context, Handler
from bot.core.types import (
    Button,
    Category,
    Classification,
    DialogState,
    IntentScore,
    Outcome,
    Reply,
)
from handlers import crime_report, escalate, faq, feedback, status

DIALOG = CLARIFY
# Chosen as a question, the message gets the answer of the best-ranked FAQ topic from this
# score; below it the guess is weak ("saya mau damai aja sama pelaku, bisa?" ranked the STNK
# answer first at 0.19), so the citizen picks among the GUESSES best topics or an officer.
GUESS_AT_LEAST = 0.4
GUESSES = 2
OFFICER = "/pilih officer"  # the button that passes the message to an officer
CHOICE_WORDS = {
    Category.QUESTION: frozenset({"pertanyaan", "tanya", "bertanya", "question", "ask"}),
    Category.CRIME_REPORT: frozenset({"laporan", "lapor", "melapor", "report", "kejadian"}),
    Category.FEEDBACK: frozenset({"saran", "pengaduan", "keluhan", "kritik", "feedback"}),
}
_QUESTION_HANDLERS: dict[str, Handler] = {
    FAQ: faq.handle,
    FOLLOW_UP: faq.follow_up,  # names no service: asks which one, not an officer
    "status": status.handle,
    "escalate": escalate.handle,
}


def handle(context: Context) -> Outcome:
    if context.state is None:
        return _ask(context)
    data = context.state.data
    original = replace(context, message=replace(context.message, text=str(data["text"])))
    if context.state.step == "guess":  # the FAQ topics offered, or an officer
        if context.text.strip().lower() != OFFICER:
            return Outcome(reroute=True)  # a new message (a topic's /info is a command)
        return escalate.handle(replace(original, state=None, command=None, classification=None))
    choice = _choice(context)
    if choice is None:
        return Outcome(reroute=True)
    ranking = tuple(IntentScore(str(name), float(score)) for name, score in data["ranking"])
    outcome = _route(original, choice, ranking)
    return replace(outcome, clarified=(int(data["message_id"]), choice))


def _ask(context: Context) -> Outcome:
    classification = context.classification
    ranking = classification.ranking if classification else ()
    buttons = (
        Button(context.t("clarify.question"), "/pilih question"),
        Button(context.t("clarify.report"), "/pilih crime_report"),
        Button(context.t("clarify.feedback"), "/pilih feedback"),
    )
    state = DialogState(
        DIALOG,
        "choose",
        {
            "message_id": context.message.id,
            "text": context.text,
            "ranking": [[score.name, score.confidence] for score in ranking],
        },
    )
    return Outcome(replies=(Reply(context.t("clarify.ask"), buttons),), state=state)


def _choice(context: Context) -> Category | None:
    words = context.text.lower().replace("/pilih", " ").split()
    for category, vocabulary in CHOICE_WORDS.items():
        if category.value in words or vocabulary.intersection(words):
            return category
    return None


def _route(context: Context, category: Category, ranking: tuple[IntentScore, ...]) -> Outcome:
    """Answer the original message as the category the citizen chose."""
    clean = replace(context, state=None, command=None)
    if category is Category.CRIME_REPORT:
        return crime_report.handle(replace(clean, classification=None))
    if category is Category.FEEDBACK:
        return feedback.handle(replace(clean, classification=None))
    spec = context.intents.best_in_category(ranking, Category.QUESTION)
    if spec is None:
        return escalate.handle(replace(clean, classification=None))
    score = next(s.confidence for s in ranking if s.name == spec.name)
    if spec.handler == FAQ and score < GUESS_AT_LEAST:
        return _offer_topics(context, ranking)
    chosen = Classification(
        text=context.text,
        intent=spec.name,
        confidence=score,
        category=spec.category,
        faq_topic=spec.faq_topic,
        urgent=False,
        ranking=ranking,
    )
    return _QUESTION_HANDLERS.get(spec.handler, escalate.handle)(
        replace(clean, classification=chosen)
    )


def _offer_topics(context: Context, ranking: tuple[IntentScore, ...]) -> Outcome:
    """A weak guess: the best-ranked FAQ topics as buttons (each its whole answer), and one
    that passes the message to an officer."""
    assert context.state is not None
    faq = context.content.faq
    specs = (context.intents.specs.get(score.name) for score in ranking)
    topics = [spec.faq_topic for spec in specs if spec and spec.handler == FAQ and spec.faq_topic]
    buttons = [
        Button(in_language(faq[topic].title, context.language), f"/info {topic}")
        for topic in dict.fromkeys(topics)
        if topic in faq
    ][:GUESSES]
    buttons.append(Button(context.t("button.officer"), OFFICER))
    state = DialogState(DIALOG, "guess", context.state.data)
    return Outcome(replies=(Reply(context.t("clarify.guess"), tuple(buttons)),), state=state)
