"""The one flow: inbox message → dialog or NLU → handler → one committed decision."""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.core.aspects import carries_over
from bot.core.content import Content, IntentTable
from bot.core.errors import NluUnavailable
from bot.core.extortion import COMPLAINT_TOPIC, tells_of_an_officer_asking_money
from bot.core.found_body import tells_of_a_body_found
from bot.core.gas_leak import tells_of_a_gas_leak
from bot.core.handling import (
    CLARIFY,
    ESCALATE,
    FAQ,
    FEEDBACK,
    FOLLOW_UP,
    GREET,
    REPORT,
    STATUS,
    Context,
    Handler,
)
from bot.core.handoff import OFFICER_DIALOG
from bot.core.impostors import tells_of_an_impostor
from bot.core.language import detect_language
from bot.core.missing import (
    LOSS_TOPIC,
    PROCEDURE_TOPIC,
    asks_the_procedure,
    is_a_thing_lost,
    is_missing_person,
)
from bot.core.ports import Accepted, Decision, Inbox, NluClient, Turn
from bot.core.public_works import asks_to_mend_public_works
from bot.core.report_wish import READ_AS, wants_to_report
from bot.core.router import (
    COMMAND_HANDLERS,
    NluRules,
    handler_for_classification,
    is_salutation,
    parse_command,
    ticket_asked_after,
)
from bot.core.rumours import asks_if_a_rumour_is_true
from bot.core.safety import EMERGENCY_DIALOG, EmergencyKeywords
from bot.core.self_harm import tells_of_self_harm
from bot.core.tickets import new_ticket_code, ticket_priority
from bot.core.types import (
    Category,
    Classification,
    Inbound,
    OutboundMessage,
    Outcome,
    Parse,
    Reply,
    TicketSummary,
)
from bot.core.victims import tells_of_a_crime_suffered

SALUTATION = "salutation"  # stored as such a message's model version: who classified it
# An early parse (Classifier.start) is used within this time, else parsed again.
EARLY_PARSE_SECONDS = 30.0
EARLY_PARSES = 1_000  # at most this many kept
# A question that names no topic ("brp biayanya?") is about one asked within this time.
FOLLOW_UP_WINDOW = timedelta(minutes=30)
# A question that carries aspects over ("kalau SIM?") looks this many questions back.
CARRY_OVER_DEPTH = 3
# An unsure reading whose best guess is the topic just asked is taken from this confidence
# ("perpanjang" after the SIM answer, read as SIM at 0.44).
ON_TOPIC_AT_LEAST = 0.3
# Dialogs that hold a citizen's ticket take danger now themselves: handlers/officer.py makes
# the ticket urgent; an emergency's ticket is urgent already. Danger now breaks off any other.
TICKET_DIALOGS = frozenset({OFFICER_DIALOG, EMERGENCY_DIALOG})
# Where a reading of a question whether a rumour is true would send it: danger now, a report to
# make, a question back. A question for an officer instead, unless said in words of now or help.
RUMOUR_READ_AS = frozenset({EMERGENCY_DIALOG, REPORT, CLARIFY})
# Where a reading of an officer asking for money would send it: an FAQ answer (not the one on
# complaining about officers), a report to make, a question back. That answer instead.
EXTORTION_READ_AS = frozenset({FAQ, REPORT, CLARIFY})
# Where a calm reading of someone gone missing would send it (Pipeline._missing_person): a
# report, a question about one's reports, a question back, an FAQ answer, a question for an
# officer, feedback. Danger now instead, unless the procedure (PROCEDURE_TOPIC) is asked in no
# words of now.
MISSING_READ_CALMLY = frozenset({REPORT, STATUS, CLARIFY, FAQ, ESCALATE, FEEDBACK})
# Where a calm reading of danger said of now (a safety-net word and one of now) would send it:
# a report to make, a question back. Danger now instead (Pipeline._danger_instead).
DANGER_READ_CALMLY = frozenset({REPORT, CLARIFY})
# Where a calm reading of people hurt in an accident, or of a peril (a fire, someone drowning),
# would send it: a report, a question (to an officer, answered, or naming no service),
# feedback, a question back. Danger now instead (Pipeline._danger_instead).
HARM_READ_CALMLY = frozenset({REPORT, FAQ, FOLLOW_UP, ESCALATE, FEEDBACK, CLARIFY})


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
        if is_salutation(text):
            return
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
        if is_salutation(text):
            return self.intents.classify(text, Parse(GREET, 1.0, model_version=SALUTATION))
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

    def danger_in_dialog(self, found: Classification, threshold: float) -> bool:
        """Whether a dialog's answer is danger now: urgent from `threshold` and in words of
        "now" (alone, the NLU takes a report's place or past weapon for an emergency)."""
        return found.urgent and found.confidence >= threshold and self.says_now(found)

    def says_now(self, found: Classification) -> bool:
        """Whether the text holds a word of now or of a call for help (the safety net's)."""
        return self.safety_net is not None and self.safety_net.says_now(found.text)

    def in_the_past(self, found: Classification) -> bool:
        """Whether an urgent reading tells of an earlier day's crime, not danger now
        (EmergencyKeywords.in_the_past)."""
        return self.safety_net is not None and self.safety_net.in_the_past(found.text)

    def names_danger_present(self, found: Classification) -> bool:
        """Whether a text holds a danger-now word of the safety net said of now, naming no
        earlier day and not saying it is over (EmergencyKeywords.danger_present)."""
        return self.safety_net is not None and self.safety_net.danger_present(found.text)

    def names_harm_present(self, found: Classification) -> bool:
        """Whether a text tells of people hurt in an accident, now (the safety net's words)."""
        return self.safety_net is not None and self.safety_net.harm_present(found.text)

    def mends_public_works(self, found: Classification) -> bool:
        """Whether an urgent reading asks to mend public works ("tolong lampu jalan
        diperbaiki") with no danger-now word of the safety net."""
        return not self._names_danger(found) and asks_to_mend_public_works(found.text)

    def tells_of_a_scam_call(self, found: Classification) -> bool:
        """Whether an urgent reading tells of a scam call ("ada yang ngaku polisi nelpon…, minta
        transfer", bot/core/impostors.py) with no danger-now word of the safety net."""
        return not self._names_danger(found) and tells_of_an_impostor(found.text)

    def _names_danger(self, found: Classification) -> bool:
        return self.safety_net is not None and self.safety_net.match(found.text) is not None

    async def classify_if_reachable(self, text: str) -> Classification | None:
        """`classify`, or None while the NLU is unreachable (and the safety net finds nothing)."""
        try:
            return await self.classify(text)
        except NluUnavailable:
            return None


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

    async def accept(self, inbound: Inbound) -> Accepted:
        """Store what a citizen sent (Inbox.accept); meanwhile the NLU starts on its text (a
        turn classifies every text but a command, inside a dialog too)."""
        if inbound.text.strip() and parse_command(inbound.text) is None:
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
            return await self.inbox.commit(message_id, decision)

    async def decide(self, turn: Turn) -> Decision:
        message = turn.message
        command = parse_command(message.text)
        # Thoughts of self-harm, a body found, a gas leak: danger now in words that need no
        # reading, breaking off any dialog that holds no ticket yet.
        urgent_told = command is None and (
            tells_of_self_harm(message.text)
            or tells_of_a_body_found(message.text)
            or tells_of_a_gas_leak(message.text)
        )
        # "min??", "kok ga dibales" while a ticket waits for an officer: asks after it.
        nudge = command is None and ticket_asked_after(turn.tickets, message.text) is not None
        language = message.citizen.language
        if not message.text.lstrip().startswith("/"):  # typed, not a button's command
            language = detect_language(message.text) or language
        since = datetime.now(UTC) - FOLLOW_UP_WINDOW
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
            # The newest ticket (tickets: newest first), when made lately: what follows may be
            # about it.
            recent_ticket=next((t for t in turn.tickets[:1] if t.created_at >= since), None),
        )
        classification: Classification | None = None
        seen: Classification | None = None  # a dialog's answer, classified
        if message.unreadable:
            # A voice note or sticker: ask for text, wherever the citizen is in a dialog.
            unreadable = Reply(context.t("media.unsupported"))
            outcome = Outcome(replies=(unreadable,), state=turn.state)
        elif command is not None and command in COMMAND_HANDLERS:
            name = COMMAND_HANDLERS[command]
            # Only /batal may see the open dialog; any other command starts afresh…
            cancel = name == "cancel"
            context = replace(context, command=command, state=turn.state if cancel else None)
            outcome = self.handlers[name](context)
            handoff = turn.state is not None and turn.state.dialog == OFFICER_DIALOG
            if handoff and not cancel and outcome.state is None:
                # …but after /status, /help… the officer keeps the conversation.
                outcome = replace(outcome, state=turn.state)
        elif turn.state is not None and not (
            urgent_told and turn.state.dialog not in TICKET_DIALOGS
        ):
            dialog = turn.state.dialog
            if message.text.strip() and command is None:
                # The dialog takes the text as its answer (never waiting for the NLU); the NLU
                # watches for danger now.
                seen = await self.classifier.classify_if_reachable(message.text)
            threshold = self.rules.dialog_emergency_threshold
            if seen is not None and self.classifier.danger_in_dialog(seen, threshold):
                classification = seen
            if classification is not None and dialog not in TICKET_DIALOGS:
                # 110/112 at once and an urgent ticket, instead of the dialog's next question.
                dialog = self.classifier.intents.spec(classification.intent).handler
                context = replace(context, state=None)
            context = replace(context, command=command, classification=classification)
            outcome = self.handlers[dialog](context)
        else:
            outcome = Outcome(reroute=True)
        if outcome.reroute:
            name = "fallback"
            if message.text.strip() and command is None:
                if urgent_told or nudge:  # need no reading: do not wait for an NLU out of reach
                    classification = seen or await self.classifier.classify_if_reachable(
                        message.text
                    )
                else:
                    classification = seen or await self.classifier.classify(message.text)
                if classification is not None:
                    spec = self.classifier.intents.spec(classification.intent)
                    name = handler_for_classification(classification, spec.handler, self.rules)
            ticket = context.recent_ticket
            name, read, overruled = await self._instead(
                name,
                classification,
                message.citizen.id,
                ticket,
                urgent_told=urgent_told,
                nudge=nudge,
            )
            context = replace(context, state=None, command=command, classification=read)
            if name == FOLLOW_UP:
                # The ticket hides the questions before it; a question after it, the ticket,
                # unless that question asked about the reports ("any update on my report?").
                after = ticket.created_at if ticket is not None else since
                topic = await self.inbox.recent_topic(message.citizen.id, after)
                asked_about_reports = topic is not None and (
                    self.classifier.intents.topic_handler(topic) == STATUS
                )
                if asked_about_reports and ticket is not None:
                    topic = None
                ticket = ticket if topic is None else None
                context = replace(context, recent_topic=topic, recent_ticket=ticket)
            elif name == FAQ and carries_over(message.text):
                questions = await self.inbox.recent_questions(
                    message.citizen.id, since, CARRY_OVER_DEPTH
                )
                context = replace(context, recent_questions=questions)
            outcome = self.handlers[name](context)
            if overruled:
                outcome = replace(outcome, needs_review=True)
        return Decision(
            outcome=outcome,
            classification=classification,
            language=language,
            ticket_code=context.ticket_code,
            ticket_priority=_priority(outcome, self.priorities),
            language_changed=language != message.citizen.language,
            state_changed=outcome.state != turn.state,
        )

    async def _instead(
        self,
        name: str,
        found: Classification | None,
        citizen_id: int,
        ticket: TicketSummary | None,
        *,
        urgent_told: bool,
        nudge: bool,
    ) -> tuple[str, Classification | None, bool]:
        """The handler a reading goes to and the reading it sees, where the message's words
        say otherwise than the NLU; and whether that overrules the NLU (the review lists it)."""
        if urgent_told:
            # "capek hidup, pengen mati aja", read as a question, "saya mau bunuh diri" or "ada
            # mayat di kebun", as a report to make: danger now
            return EMERGENCY_DIALOG, found, found is not None and name != EMERGENCY_DIALOG
        if self._rumour_asked(name, found):
            # "apakah benar ada penculikan anak di daerah sini?", read as an emergency
            return ESCALATE, found, True
        if found is not None and self._report_instead(found, ticket):
            return REPORT, found, True
        if self._danger_instead(name, found):
            # "ada yg lempar molotov ke rumah warga, pelakunya masih di ujung gang", read as a
            # report to make; "ada kecelakaan beruntun di tol, banyak korban", read as the
            # question which numbers to call
            return EMERGENCY_DIALOG, found, True
        if (instead := self._missing_person(name, found)) is not None:
            # "anak sy blm pulang dari kemarin", read as a status question: danger now; "kalo
            # anak remaja kabur dari rumah, prosedur lapornya gmn?", read as how to make a police
            # report: how to report a missing person
            return (*instead, True)
        if found is None:
            return (STATUS if nudge else name), found, False
        if name == FAQ and self._thing_lost(found):
            # "saya wna, paspor saya hilang", read as how to report a missing person
            return FAQ, replace(found, faq_topic=LOSS_TOPIC), True
        if name == FEEDBACK and tells_of_a_crime_suffered(found.text):
            # "saya korban tabrak lari kemarin sore", read as feedback: a report to make
            return REPORT, found, True
        if name in EXTORTION_READ_AS and self._extortion_told(found):
            # "polisi minta duit biar ga ditilang", read as the traffic-ticket question: how to
            # complain about an officer
            return FAQ, replace(found, faq_topic=COMPLAINT_TOPIC), True
        if self._wish_to_report(name, found):
            # "saya mau lapor pencurian", read as how to make a police report (or unsure): the
            # report
            return REPORT, found, True
        if nudge and name != EMERGENCY_DIALOG:
            return STATUS, found, False  # the waiting ticket's status, not a question back
        if name == FOLLOW_UP and (named := self.content.topic_named(found.text)):
            # "can i pay traffic fine online?", read as a question naming no service
            return FAQ, replace(found, faq_topic=named), True
        if name == CLARIFY and await self._on_topic(found, citizen_id, ticket):
            # "perpanjang" just after the SIM answer: that answer's part, not a question back
            return self.classifier.intents.spec(found.intent).handler, found, False
        return name, found, False

    def _report_instead(self, found: Classification, ticket: TicketSummary | None) -> bool:
        """Whether an emergency reading is a report instead (REPORT):
        - a description of what happened right after a report (`ticket`), which it adds to:
          the NLU reads "orangnya pakai jaket merah" or "he was tall with a tattoo" as one. As
          inside a dialog, danger now needs words of now here (from the usual threshold:
          "tolong ada maling lagi" is still an emergency);
        - a crime of an earlier day ("rumah sy kebobolan maling semalam") with no word of now
          or of lasting danger (`Classifier.in_the_past`), which starts a report;
        - a request to mend public works ("tolong lampu jalan diperbaiki", "jalan berlubang
          depan sekolah") naming no harm (`Classifier.mends_public_works`): a report, which the
          office passes on;
        - a scam call: someone posing as police or a doctor asking for money for an accident
          or an arrest (`Classifier.tells_of_a_scam_call`)."""
        if not found.urgent:
            return False
        acted_on = found.confidence >= self.rules.emergency_threshold  # else clarify decides
        if acted_on and (
            self.classifier.in_the_past(found)
            or self.classifier.mends_public_works(found)
            or self.classifier.tells_of_a_scam_call(found)
        ):
            return True
        return (
            ticket is not None
            and ticket.waiting
            and ticket.category is Category.CRIME_REPORT
            and not self.classifier.danger_in_dialog(found, self.rules.emergency_threshold)
        )

    def _danger_instead(self, handler: str, found: Classification | None) -> bool:
        """Whether a report read calmly, or unsurely (DANGER_READ_CALMLY), names danger now
        (`Classifier.names_danger_present`), or a calm reading (HARM_READ_CALMLY) tells of people
        hurt in an accident (`Classifier.names_harm_present`)."""
        if found is None:
            return False
        return (handler in DANGER_READ_CALMLY and self.classifier.names_danger_present(found)) or (
            handler in HARM_READ_CALMLY and self.classifier.names_harm_present(found)
        )

    async def _on_topic(
        self, found: Classification, citizen_id: int, ticket: TicketSummary | None
    ) -> bool:
        """Whether an unsure reading guesses (from ON_TOPIC_AT_LEAST) the topic the citizen
        asked about last, lately (FOLLOW_UP_WINDOW) and after their recent ticket."""
        if found.faq_topic is None or found.confidence < ON_TOPIC_AT_LEAST:
            return False
        since = datetime.now(UTC) - FOLLOW_UP_WINDOW
        if ticket is not None:
            since = max(since, ticket.created_at)
        return await self.inbox.recent_topic(citizen_id, since) == found.faq_topic

    def _rumour_asked(self, handler: str, found: Classification | None) -> bool:
        """Whether a reading (RUMOUR_READ_AS) is of a question whether a rumour is true
        (bot/core/rumours.py), in no words of now or of a call for help."""
        return (
            found is not None
            and handler in RUMOUR_READ_AS
            and asks_if_a_rumour_is_true(found.text)
            and not self.classifier.says_now(found)
        )

    @staticmethod
    def _extortion_told(found: Classification) -> bool:
        """Whether a reading other than the complaint answer tells of an officer asking for
        money (bot/core/extortion.py)."""
        return found.faq_topic != COMPLAINT_TOPIC and tells_of_an_officer_asking_money(found.text)

    @staticmethod
    def _thing_lost(found: Classification) -> bool:
        """Whether a reading as how to report a missing person tells of a thing lost."""
        return found.faq_topic == PROCEDURE_TOPIC and is_a_thing_lost(found.text)

    @staticmethod
    def _wish_to_report(handler: str, found: Classification) -> bool:
        """Whether an FAQ reading (of a topic in READ_AS), or an unsure one, is a citizen
        saying they want to report, asking nothing (bot/core/report_wish.py)."""
        read_so = handler == CLARIFY or (handler == FAQ and found.faq_topic in READ_AS)
        return read_so and wants_to_report(found.text)

    def _missing_person(
        self, handler: str, found: Classification | None
    ) -> tuple[str, Classification] | None:
        """Where a calm reading (MISSING_READ_CALMLY) of someone gone missing goes instead,
        with the reading its handler sees: danger now (EMERGENCY_DIALOG), unless the procedure
        is asked in no words of now ("kalau anak hilang lapornya kemana?"). Read as the
        procedure, that stays as read; read as another question (an FAQ topic, an officer's, or
        unsure) or as feedback, it gets the procedure's answer (PROCEDURE_TOPIC)."""
        if found is None or handler not in MISSING_READ_CALMLY or not is_missing_person(found.text):
            return None
        if asks_the_procedure(found.text) and not self.classifier.says_now(found):
            if found.faq_topic == PROCEDURE_TOPIC:
                return None
            if handler not in (REPORT, STATUS):  # read as another question, or feedback
                return FAQ, replace(found, faq_topic=PROCEDURE_TOPIC)
        return EMERGENCY_DIALOG, found


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
