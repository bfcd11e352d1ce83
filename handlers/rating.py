"""After a ticket is resolved the citizen is asked for a 1-5 rating; anything else moves on."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.handoff import SCORES
from bot.core.types import Outcome, Reply, TicketUpdate


def handle(context: Context) -> Outcome:
    assert context.state is not None, "only reached from an open rating dialog"
    if context.text not in SCORES:
        return Outcome(reroute=True)  # not a rating: answer it as a new message
    code = str(context.state.data["code"])
    rating = int(context.text)
    reply = Reply(context.t("rating.thanks", rating=rating))
    return Outcome(replies=(reply,), ticket_update=TicketUpdate(code, rating=rating), state=None)
