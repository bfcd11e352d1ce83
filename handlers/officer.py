"""While an officer holds a citizen's ticket the bot stays quiet: messages join the ticket.
Only danger now breaks the silence: 110/112 at once, and the ticket becomes urgent.

The dashboard opens this dialog when an officer claims a ticket and closes it on resolve.
"bot" (or /batal) hands the citizen back to the automatic assistant; the ticket stays open.
"""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Outcome, Reply, TicketUpdate
from handlers.common import menu_buttons

BACK_TO_BOT = frozenset({"bot", "robot", "asisten"})


def handle(context: Context) -> Outcome:
    assert context.state is not None, "only reached from an open officer dialog"
    code = str(context.state.data["code"])
    if context.text.lower() in BACK_TO_BOT:
        reply = Reply(context.t("officer.left", code=code), menu_buttons(context))
        return Outcome(replies=(reply,), state=None)
    found = context.classification
    urgent = found is not None and found.urgent
    update = TicketUpdate(
        code=code, location=context.message.location, media=context.message.media, urgent=urgent
    )
    # Danger now still gets 110/112 at once, even while an officer is on the conversation.
    replies = (Reply(context.t("officer.urgent", code=code)),) if urgent else ()
    return Outcome(replies=replies, ticket_update=update, state=context.state)
