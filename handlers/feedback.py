"""Praise, complaints and suggestions become feedback tickets; the citizen is thanked. More of
it soon after, about that ticket or a report, joins the ticket (a complaint sent in parts)."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Category, Outcome
from bot.core.words import phrases, undoubled_words
from handlers.common import add_to_ticket, text_ticket, ticket_to_add_to

DIALOG = "feedback"
# Praise alone is thanked as praise; a word of complaint or of a request makes it feedback to
# act on ("makasih, tapi antrinya lama").
PRAISE = frozenset(
    "terima kasih|makasih|makasi|mksh|trims|thx|thanks|thank you|apresiasi|salut|mantap|mantab|"
    "bagus|hebat|keren|sigap|cepat tanggap|tanggap|ramah|sangat membantu|puas|luar biasa|"
    "great|excellent|helpful|appreciate|good job|well done|friendly".split("|")
)
COMPLAINT = frozenset(
    "tapi|tp|namun|sayang|sayangnya|kecewa|lama|lambat|lelet|kasar|pungli|jelek|buruk|parah|"
    "tidak|tdk|gak|ga|nggak|ngga|enggak|belum|blm|kurang|mohon|tolong|harap|sebaiknya|"
    "seharusnya|harusnya|but|however|slow|rude|disappointed|not|bad|please|should".split("|")
)


def handle(context: Context) -> Outcome:
    ticket = ticket_to_add_to(context)
    if ticket is not None:
        return add_to_ticket(context, ticket)
    thanks = "feedback.praise" if is_praise(context.text) else "feedback.thanks"
    return text_ticket(context, DIALOG, Category.FEEDBACK, "feedback.ask", thanks)


def is_praise(text: str) -> bool:
    """Whether a text thanks or praises and asks for nothing."""
    said = phrases(undoubled_words(text), 2)
    return bool(said & PRAISE) and not said & COMPLAINT
