"""Small pieces several handlers share: the menu, yes/no words, ticket summaries, additions to
a ticket just made, whether the chat can receive broadcasts."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from bot.core.content import FAQ_ACTIONS
from bot.core.handling import Context
from bot.core.subscriptions import BROADCAST_CHANNELS
from bot.core.types import (
    Button,
    Category,
    DialogState,
    NewTicket,
    Outcome,
    Reply,
    TicketSummary,
    TicketUpdate,
)

YES_WORDS = frozenset(
    "/ya ya iya iyaa y yes yup yep ok oke okay okey benar betul boleh mau setuju sure".split()
)
# Yes to sending a report: its button ("Kirim laporan") typed. Asked anything else, "kirim" is
# no answer ("send" to "anonymous?" is not "yes, keep me anonymous").
SEND_WORDS = YES_WORDS | {"kirim", "/kirim", "send"}
NO_WORDS = frozenset(
    "/tidak tidak tdk gak ga gk nggak enggak engga ngga no nope jangan ndak tak".split()
)
SUMMARY_LIMIT = 200


def menu_buttons(context: Context) -> tuple[Button, ...]:
    return (
        action_button(context, "report"),
        Button(context.t("button.status"), "/status"),
        action_button(context, "feedback"),
        officer_button(context),
    )


def action_button(context: Context, action: str) -> Button:
    """The button that starts a report or feedback (an action of FAQ_ACTIONS)."""
    key, command = FAQ_ACTIONS[action]
    return Button(context.t(key), command)


def officer_button(context: Context) -> Button:
    return Button(context.t("button.officer"), "/petugas")


def menu_reply(context: Context, intro: str | None = None) -> Reply:
    text = context.t("menu.text")
    return Reply(f"{intro}\n\n{text}" if intro else text, menu_buttons(context))


def command_argument(context: Context) -> str:
    """What follows a typed command ("/langganan bencana" → "bencana"); "" for a message that
    is not one (asked in words, or a command word such as "tips")."""
    if context.command is None:
        return ""
    parts = context.text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def yes_no(text: str, yes: frozenset[str] = YES_WORDS) -> bool | None:
    """True for yes (a word of `yes` first), False for no, None when the answer is neither."""
    words = text.strip().lower().rstrip(".!").split()
    if not words:
        return None
    if words[0] in yes:
        return True
    if words[0] in NO_WORDS:
        return False
    return None


def summarize(text: str) -> str:
    """The first line of a ticket in the queue: the citizen's words, shortened."""
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_LIMIT else flat[: SUMMARY_LIMIT - 1] + "…"


def new_ticket(
    context: Context, category: Category, details: Mapping[str, str], urgent: bool = False
) -> NewTicket:
    """A ticket from the current message, stamped with its classification if it has one."""
    classification = context.classification
    return NewTicket(
        category=category,
        urgent=urgent,
        summary=summarize(context.text),
        faq_topic=classification.faq_topic if classification else None,
        intent=classification.intent if classification else None,
        confidence=classification.confidence if classification else None,
        details=details,
        location=context.message.location,
        media=context.message.media,
    )


def text_ticket(
    context: Context, dialog: str, category: Category, ask_key: str, done_key: str
) -> Outcome:
    """A one-question dialog: a command asks for the text, the text becomes a ticket.

    A classified message skips the question: it already is the text.
    """
    if context.command is not None and context.state is None:
        return ask_for_text(context, dialog, ask_key)
    if not context.text:
        return Outcome(replies=(Reply(context.t("report.need_text")),), state=context.state)
    ticket = new_ticket(context, category, {category.value: context.text})
    return Outcome(replies=(Reply(context.t(done_key, code=context.ticket_code)),), ticket=ticket)


def ask_for_text(context: Context, dialog: str, ask_key: str) -> Outcome:
    """The question of `text_ticket`'s dialog; the answer becomes the ticket."""
    return Outcome(replies=(Reply(context.t(ask_key)),), state=DialogState(dialog, "text"))


def ticket_to_add_to(
    context: Context, categories: Collection[Category] = tuple(Category)
) -> TicketSummary | None:
    """The ticket a message adds to instead of opening another ("oh iya, pelakunya pakai jaket
    merah" or a photo after a report; a complaint sent in three messages): the citizen's ticket
    made lately (`Context.recent_ticket`), waiting for an officer, of one of `categories`.
    None for a command or a dialog's answer: those start afresh."""
    ticket = context.recent_ticket
    if context.command is not None or context.state is not None or ticket is None:
        return None
    return ticket if ticket.waiting and ticket.category in categories else None


def add_to_ticket(context: Context, ticket: TicketSummary) -> Outcome:
    """The message joins `ticket`; the citizen is told, with the button for a new one."""
    action = "feedback" if ticket.category is Category.FEEDBACK else "report"
    button = action_button(context, action)
    update = TicketUpdate(
        code=ticket.code,
        note=context.text,
        location=context.message.location,
        media=context.message.media,
    )
    text = context.t(f"addition.{action}", code=ticket.code, button=button.title)
    if context.classification is not None and context.classification.urgent:
        # Read as an emergency, but with no words of danger now (Pipeline._report_instead).
        text = f"{text}\n{context.t('emergency.if_danger')}"
    return Outcome(replies=(Reply(text, (button,)),), ticket_update=update)


def receives_broadcasts(context: Context) -> bool:
    """Broadcasts go out on Telegram and WhatsApp only (not the web chat or the terminal)."""
    return context.message.citizen.channel in BROADCAST_CHANNELS
