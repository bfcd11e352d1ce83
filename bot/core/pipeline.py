"""The one flow: inbox message → dialog or NLU → handler → one committed decision."""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace

from bot.core.content import Content, IntentTable
from bot.core.errors import NluUnavailable
from bot.core.handling import Context, Handler
from bot.core.handoff import OFFICER_DIALOG
from bot.core.language import detect_language
from bot.core.ports import Accepted, Decision, Inbox, NluClient, Turn
from bot.core.router import COMMAND_HANDLERS, NluRules, handler_for_classification, parse_command
from bot.core.safety import EmergencyKeywords
from bot.core.tickets import new_ticket_code, ticket_priority
from bot.core.types import (
    Citizen,
    Classification,
    DialogState,
    Inbound,
    OutboundMessage,
    Outcome,
    Parse,
    Reply,
)

# An early parse (Classifier.start) is used within this time, else parsed again.
EARLY_PARSE_SECONDS = 30.0
EARLY_PARSES = 1_000  # at most this many kept
DIALOG_CHATS = 10_000  # chats remembered as being in a dialog (Pipeline.accept)


class Classifier:
    """NLU parse + intent table = category, FAQ topic and urgency of a text."""

    def __init__(
        self,
        nlu: NluClient,
        intents: IntentTable,
        safety_net: EmergencyKeywords | None = None,
    ) -> None:
        """`safety_net`: while the NLU is unreachable, danger-now words still classify a text
        as an emergency (anything else raises NluUnavailable and waits)."""
        self.nlu = nlu
        self.intents = intents
        self.safety_net = safety_net
        self._early: dict[str, tuple[float, asyncio.Task[Parse]]] = {}

    def start(self, text: str) -> None:
        """Start parsing a text that `classify` will soon be asked for (while its message is
        being stored), so that the turn waits less for the NLU."""
        now = time.monotonic()
        while self._early:
            oldest = next(iter(self._early))
            if self._early[oldest][0] > now and len(self._early) < EARLY_PARSES:
                break
            del self._early[oldest]
        if text not in self._early:
            task = asyncio.ensure_future(self.nlu.parse(text))
            task.add_done_callback(_retrieve_error)
            self._early[text] = (now + EARLY_PARSE_SECONDS, task)

    async def classify(self, text: str) -> Classification:
        early = self._early.pop(text, None)
        try:
            if early is not None and early[0] > time.monotonic():
                parse = await early[1]
            else:
                parse = await self.nlu.parse(text)
        except NluUnavailable:
            emergency = self.safety_net.match(text) if self.safety_net is not None else None
            if emergency is None:
                raise
            return emergency
        return self.intents.classify(text, parse)


class Pipeline:
    def __init__(
        self,
        inbox: Inbox,
        classifier: Classifier,
        content: Content,
        handlers: Mapping[str, Handler],
        rules: NluRules,
        priorities: Mapping[str, int],
        media_channels: AbstractSet[str] = frozenset(),
        code_factory: Callable[[], str] = new_ticket_code,
    ) -> None:
        """`media_channels`: channels whose citizens can send photos."""
        self.inbox = inbox
        self.classifier = classifier
        self.content = content
        self.handlers = handlers
        self.rules = rules
        self.priorities = priorities
        self.media_channels = media_channels
        self.code_factory = code_factory
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        # Chats whose last turn left them in a dialog, whose next text is likely an answer the
        # dialog takes as it is (no early parse for those); oldest forgotten first.
        self._in_dialog: dict[tuple[str, str], None] = {}

    async def accept(self, inbound: Inbound) -> Accepted:
        """Store what a citizen sent (Inbox.accept); meanwhile the NLU starts on its text when
        the turn will likely classify it."""
        chat = (inbound.channel, inbound.chat_id)
        if (
            inbound.text.strip()
            and parse_command(inbound.text) is None
            and chat not in self._in_dialog
        ):
            self.classifier.start(inbound.text)
        return await self.inbox.accept(inbound)

    async def process(self, message_id: int, citizen_id: int) -> Sequence[OutboundMessage] | None:
        """Process one accepted message; None when it was already processed, else its
        replies claimed for sending now (see Inbox.commit).

        Messages of one citizen are processed one at a time, so dialog state stays consistent.
        Raises NluUnavailable (the message stays in the inbox for a later try).
        """
        lock = self._locks.get(citizen_id)
        if lock is None:
            lock = self._locks[citizen_id] = asyncio.Lock()
        async with lock:
            turn = await self.inbox.load_turn(message_id)
            if turn is None:
                return None
            decision = await self.decide(turn)
            replies = await self.inbox.commit(message_id, decision)
        self._remember_dialog(turn.message.citizen, decision.outcome.state)
        return replies

    def _remember_dialog(self, citizen: Citizen, state: DialogState | None) -> None:
        chat = (citizen.channel, citizen.chat_id)
        self._in_dialog.pop(chat, None)
        if state is not None and state.dialog != OFFICER_DIALOG:
            self._in_dialog[chat] = None
            if len(self._in_dialog) > DIALOG_CHATS:
                del self._in_dialog[next(iter(self._in_dialog))]

    async def decide(self, turn: Turn) -> Decision:
        message = turn.message
        command = parse_command(message.text)
        language = message.citizen.language
        if command is None:
            language = detect_language(message.text) or language
        context = Context(
            message=message,
            language=language,
            content=self.content,
            intents=self.classifier.intents,
            ticket_code=self.code_factory(),
            state=turn.state,
            tickets=turn.tickets,
            accepts_media=message.citizen.channel in self.media_channels,
            disasters=turn.disasters,
        )
        classification: Classification | None = None
        if message.unreadable:
            # A voice note or sticker: ask for text, wherever the citizen is in a dialog.
            unreadable = Reply(context.t("media.unsupported"))
            outcome = Outcome(replies=(unreadable,), state=turn.state)
        elif command is not None and command in COMMAND_HANDLERS:
            name = COMMAND_HANDLERS[command]
            # Only /batal may see the open dialog; any other command starts afresh.
            state = turn.state if name == "cancel" else None
            context = replace(context, command=command, state=state)
            outcome = self.handlers[name](context)
        elif turn.state is not None:
            if turn.state.dialog == OFFICER_DIALOG and message.text.strip() and command is None:
                # The officer reads everything; the NLU only watches for danger now.
                found = await self.classifier.classify(message.text)
                if found.urgent and found.confidence >= self.rules.emergency_threshold:
                    classification = found
            context = replace(context, command=command, classification=classification)
            outcome = self.handlers[turn.state.dialog](context)
        else:
            outcome = Outcome(reroute=True)
        if outcome.reroute:
            name = "fallback"
            if message.text.strip() and command is None:
                classification = await self.classifier.classify(message.text)
                spec = self.classifier.intents.spec(classification.intent)
                name = handler_for_classification(classification, spec.handler, self.rules)
            context = replace(context, state=None, command=command, classification=classification)
            outcome = self.handlers[name](context)
        return Decision(
            outcome=outcome,
            classification=classification,
            language=language,
            ticket_code=context.ticket_code,
            ticket_priority=_priority(outcome, self.priorities),
            language_changed=language != message.citizen.language,
            state_changed=outcome.state != turn.state,
        )


def _retrieve_error(task: asyncio.Task[Parse]) -> None:
    """An early parse nobody awaited must not log 'exception was never retrieved'."""
    with contextlib.suppress(asyncio.CancelledError):
        task.exception()


def _priority(outcome: Outcome, priorities: Mapping[str, int]) -> int | None:
    """The queue priority of the ticket the turn opens, or of one it makes urgent."""
    if outcome.ticket is not None:
        return ticket_priority(outcome.ticket.category, outcome.ticket.urgent, priorities)
    if outcome.ticket_update is not None and outcome.ticket_update.urgent:
        return priorities["urgent"]
    return None
