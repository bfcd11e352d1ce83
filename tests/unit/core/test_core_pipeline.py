"""The pipeline end to end with an in-memory inbox and a scripted NLU (real content and handlers)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.core.content import Content, IntentTable
from bot.core.errors import NluUnavailable
from bot.core.pipeline import Classifier, Pipeline
from bot.core.ports import Accepted, Decision, Turn
from bot.core.router import NluRules
from bot.core.types import (
    Category,
    Citizen,
    DialogState,
    Inbound,
    IntentScore,
    Location,
    Media,
    NewTicket,
    Parse,
    StoredMessage,
    TicketStatus,
    TicketSummary,
)
from bot.core.workers import InboxWorker
from handlers import HANDLERS


class FakeNlu:
    """Answers with the Parse scripted for a text; records every text it was asked about."""

    def __init__(self) -> None:
        self.script: dict[str, Parse] = {}
        self.calls: list[str] = []

    def says(self, text: str, intent: str, confidence: float, *ranking: tuple[str, float]) -> None:
        scores = tuple(IntentScore(name, score) for name, score in ranking) or (
            IntentScore(intent, confidence),
        )
        self.script[text] = Parse(intent, confidence, scores, model_version="test-model")

    async def parse(self, text: str) -> Parse:
        self.calls.append(text)
        if text not in self.script:
            raise AssertionError(f"the NLU was not expected to see {text!r}")
        return self.script[text]


@dataclass
class FakeInbox:
    """Implements bot.core.ports.Inbox in memory, keeping every committed decision."""

    default_language: str = "id"
    citizens: dict[tuple[str, str], Citizen] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    external_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    processed: set[int] = field(default_factory=set)
    states: dict[int, DialogState] = field(default_factory=dict)
    tickets: dict[int, list[TicketSummary]] = field(default_factory=dict)
    decisions: dict[int, Decision] = field(default_factory=dict)

    async def accept(self, inbound: Inbound) -> Accepted:
        key = (inbound.channel, inbound.chat_id)
        citizen = self.citizens.get(key)
        if citizen is None:
            citizen = Citizen(len(self.citizens) + 1, *key, language=self.default_language)
            self.citizens[key] = citizen
        known = self.external_ids.get((inbound.channel, inbound.external_id))
        if known is not None:
            return Accepted(known, citizen.id, duplicate=True)
        message_id = len(self.messages) + 1
        self.external_ids[(inbound.channel, inbound.external_id)] = message_id
        self.messages[message_id] = StoredMessage(
            message_id, citizen, inbound.text, inbound.media, inbound.location
        )
        return Accepted(message_id, citizen.id)

    async def pending(self, limit: int) -> Sequence[Accepted]:
        waiting = [m for m in self.messages.values() if m.id not in self.processed]
        return [Accepted(m.id, m.citizen.id) for m in waiting][:limit]

    async def load_turn(self, message_id: int) -> Turn | None:
        await asyncio.sleep(0)  # a real inbox awaits the database: let other tasks run
        if message_id in self.processed:
            return None
        stored = self.messages[message_id]
        citizen = self._citizen(stored.citizen.id)
        message = StoredMessage(stored.id, citizen, stored.text, stored.media, stored.location)
        tickets = list(reversed(self.tickets.get(citizen.id, [])))  # newest first
        return Turn(message, self.states.get(citizen.id), tickets)

    async def commit(self, message_id: int, decision: Decision) -> None:
        await asyncio.sleep(0)
        if message_id in self.processed:
            return
        self.processed.add(message_id)
        self.decisions[message_id] = decision
        citizen = self._citizen(self.messages[message_id].citizen.id)
        key = (citizen.channel, citizen.chat_id)
        self.citizens[key] = Citizen(citizen.id, *key, language=decision.language)
        outcome = decision.outcome
        if outcome.state is None:
            self.states.pop(citizen.id, None)
        else:
            # Stored as JSON, as the database does: the data must survive the round trip.
            data = json.loads(json.dumps(dict(outcome.state.data)))
            self.states[citizen.id] = DialogState(outcome.state.dialog, outcome.state.step, data)
        if outcome.ticket is not None:
            assert decision.ticket_priority is not None
            self.tickets.setdefault(citizen.id, []).append(
                TicketSummary(
                    code=decision.ticket_code,
                    category=outcome.ticket.category,
                    urgent=outcome.ticket.urgent,
                    status=TicketStatus.NEW,
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                    summary=outcome.ticket.summary,
                )
            )

    def _citizen(self, citizen_id: int) -> Citizen:
        return next(c for c in self.citizens.values() if c.id == citizen_id)


@dataclass
class Chat:
    """One citizen talking to the pipeline."""

    pipeline: Pipeline
    inbox: FakeInbox
    nlu: FakeNlu
    chat_id: str = "session-1"
    counter: int = 0

    async def send(
        self, text: str = "", *, location: Location | None = None, media: tuple[Media, ...] = ()
    ) -> Decision:
        self.counter += 1
        inbound = Inbound(
            channel="webchat",
            chat_id=self.chat_id,
            external_id=f"{self.chat_id}-{self.counter}",
            text=text,
            media=media,
            location=location,
        )
        accepted = await self.inbox.accept(inbound)
        assert await self.pipeline.process(accepted.message_id, accepted.citizen_id)
        return self.inbox.decisions[accepted.message_id]

    @property
    def state(self) -> DialogState | None:
        citizen = self.inbox.citizens[("webchat", self.chat_id)]
        return self.inbox.states.get(citizen.id)

    @property
    def language(self) -> str:
        return self.inbox.citizens[("webchat", self.chat_id)].language


def make_chat(
    content: Content,
    intents: IntentTable,
    rules: NluRules,
    priorities: Mapping[str, int],
    language: str = "id",
) -> Chat:
    inbox = FakeInbox(default_language=language)
    nlu = FakeNlu()
    pipeline = Pipeline(
        inbox=inbox,
        classifier=Classifier(nlu, intents),
        content=content,
        handlers=HANDLERS,
        rules=rules,
        priorities=priorities,
    )
    return Chat(pipeline, inbox, nlu)


@pytest.fixture
def chat(
    content: Content, intents: IntentTable, nlu_rules: NluRules, priorities: Mapping[str, int]
) -> Chat:
    return make_chat(content, intents, nlu_rules, priorities)


@pytest.fixture
def english_chat(
    content: Content, intents: IntentTable, nlu_rules: NluRules, priorities: Mapping[str, int]
) -> Chat:
    return make_chat(content, intents, nlu_rules, priorities, language="en")


def only_text(decision: Decision) -> str:
    [reply] = decision.outcome.replies
    return reply.text


def payloads(decision: Decision) -> list[str]:
    return [button.payload for reply in decision.outcome.replies for button in reply.buttons]


# --- FAQ ---------------------------------------------------------------------------------------


async def test_an_indonesian_question_gets_the_indonesian_faq_answer(
    chat: Chat, content: Content
) -> None:
    chat.nlu.says("syarat bikin skck apa aja min", "faq_skck", 0.93)

    decision = await chat.send("syarat bikin skck apa aja min")

    assert content.faq_answer("skck", "id").strip() in only_text(decision)
    assert content.texts.get("id", "faq.follow_up") in only_text(decision)
    assert decision.language == "id"
    assert decision.outcome.ticket is None
    assert decision.ticket_priority is None
    assert decision.classification is not None
    assert decision.classification.intent == "faq_skck"
    assert decision.classification.faq_topic == "skck"
    assert decision.classification.confidence == 0.93
    assert decision.classification.model_version == "test-model"
    assert chat.nlu.calls == ["syarat bikin skck apa aja min"]
    assert chat.state is None


async def test_an_english_question_gets_the_english_faq_answer(
    chat: Chat, content: Content
) -> None:
    text = "How do I get a police clearance certificate?"
    chat.nlu.says(text, "faq_skck", 0.88)

    decision = await chat.send(text)

    assert content.faq_answer("skck", "en").strip() in only_text(decision)
    assert content.faq_answer("skck", "id").strip() not in only_text(decision)
    assert decision.language == "en"
    assert chat.language == "en"
    assert decision.classification is not None
    assert decision.classification.category is Category.QUESTION


# --- crime report ------------------------------------------------------------------------------


async def test_a_crime_report_runs_the_whole_dialog(chat: Chat, content: Content) -> None:
    what = "motor saya dicuri di parkiran pasar"
    chat.nlu.says(what, "crime_report", 0.91)
    texts = content.texts

    first = await chat.send(what)
    assert only_text(first) == texts.get("id", "report.ask_where")
    assert chat.state is not None
    assert (chat.state.dialog, chat.state.step) == ("crime_report", "where")

    where = await chat.send("Pasar Baru, Jl. Merdeka")
    assert only_text(where) == texts.get("id", "report.ask_when")

    when = await chat.send("tadi malam jam 11")
    assert only_text(when) == texts.get("id", "report.ask_photo")
    assert payloads(when) == ["/lewati"]

    skip = await chat.send("/lewati")
    assert only_text(skip) == texts.get("id", "report.ask_anonymous")
    assert payloads(skip) == ["/ya", "/tidak"]

    anonymous = await chat.send("/ya")
    confirm = only_text(anonymous)
    assert what in confirm
    assert "Pasar Baru, Jl. Merdeka" in confirm
    assert "tadi malam jam 11" in confirm
    assert texts.get("id", "report.identity_anonymous") in confirm
    assert payloads(anonymous) == ["/kirim", "/batal"]
    assert anonymous.outcome.ticket is None

    final = await chat.send("/kirim")

    ticket = final.outcome.ticket
    assert isinstance(ticket, NewTicket)
    assert ticket.category is Category.CRIME_REPORT
    assert not ticket.urgent
    assert ticket.anonymous is True
    assert ticket.details == {
        "what": what,
        "where": "Pasar Baru, Jl. Merdeka",
        "when": "tadi malam jam 11",
    }
    assert ticket.summary == what
    assert ticket.intent == "crime_report"
    assert ticket.confidence == 0.91
    assert final.ticket_code in only_text(final)
    assert final.ticket_priority == 2
    assert chat.state is None
    # Only the first message needed the NLU: the dialog and the commands did not.
    assert chat.nlu.calls == [what]


async def test_batal_in_the_middle_clears_the_state_and_opens_no_ticket(
    chat: Chat, content: Content
) -> None:
    chat.nlu.says("hp saya dijambret", "crime_report", 0.9)
    await chat.send("hp saya dijambret")
    await chat.send("depan alfamart")
    assert chat.state is not None

    decision = await chat.send("/batal")

    assert only_text(decision) == content.texts.get("id", "cancel.done")
    assert decision.outcome.ticket is None
    assert decision.outcome.state is None
    assert chat.state is None
    assert chat.inbox.tickets == {}


async def test_the_word_batal_cancels_too(chat: Chat, content: Content) -> None:
    await chat.send("/lapor")
    assert chat.state is not None

    decision = await chat.send("Batal")

    assert only_text(decision) == content.texts.get("id", "cancel.done")
    assert chat.state is None
    assert chat.nlu.calls == []


# --- emergency ---------------------------------------------------------------------------------


async def test_an_emergency_gets_110_and_112_first_and_an_urgent_ticket(
    chat: Chat, priorities: Mapping[str, int]
) -> None:
    text = "tolong ada orang bawa golok masuk rumah saya sekarang"
    chat.nlu.says(text, "emergency", 0.97)

    decision = await chat.send(text)

    first = decision.outcome.replies[0].text
    assert "110" in first
    assert "112" in first
    assert decision.ticket_code in first
    ticket = decision.outcome.ticket
    assert ticket is not None
    assert ticket.urgent
    assert ticket.category is Category.CRIME_REPORT
    assert decision.ticket_priority == priorities["urgent"] == 1
    assert chat.state is not None
    assert chat.state.dialog == "emergency"


async def test_an_unsure_emergency_above_its_threshold_is_still_an_emergency(
    chat: Chat,
) -> None:
    text = "tolong saya diikuti orang"
    chat.nlu.says(text, "emergency", 0.35, ("emergency", 0.35), ("crime_report", 0.3))

    decision = await chat.send(text)

    assert decision.outcome.ticket is not None
    assert decision.outcome.ticket.urgent
    assert not decision.outcome.needs_review
    assert "110" in decision.outcome.replies[0].text


async def test_a_location_after_an_emergency_updates_its_ticket(chat: Chat) -> None:
    text = "tolong ada perampokan di toko saya sekarang"
    chat.nlu.says(text, "emergency", 0.9)
    opened = await chat.send(text)

    follow_up = await chat.send(location=Location(-6.2, 106.8))

    update = follow_up.outcome.ticket_update
    assert update is not None
    assert update.code == opened.ticket_code
    assert update.location == Location(-6.2, 106.8)
    assert follow_up.outcome.ticket is None
    assert follow_up.ticket_priority is None
    assert opened.ticket_code in only_text(follow_up)
    assert chat.nlu.calls == [text]


# --- clarify -----------------------------------------------------------------------------------


async def test_low_confidence_asks_then_a_choice_opens_a_feedback_ticket(
    chat: Chat, content: Content
) -> None:
    text = "pelayanan di loket kemarin lama banget"
    chat.nlu.says(text, "faq_layanan_kantor", 0.3, ("faq_layanan_kantor", 0.3), ("feedback", 0.25))

    asked = await chat.send(text)

    assert only_text(asked) == content.texts.get("id", "clarify.ask")
    assert payloads(asked) == ["/pilih question", "/pilih crime_report", "/pilih feedback"]
    assert asked.outcome.needs_review
    assert asked.outcome.ticket is None
    assert asked.classification is not None
    assert asked.classification.intent == "faq_layanan_kantor"
    assert chat.state is not None
    assert chat.state.dialog == "clarify"
    original_id = max(chat.inbox.messages)

    chosen = await chat.send("/pilih feedback")

    ticket = chosen.outcome.ticket
    assert ticket is not None
    assert ticket.category is Category.FEEDBACK
    assert ticket.details == {"feedback": text}
    assert chosen.outcome.clarified == (original_id, Category.FEEDBACK)
    assert chosen.ticket_priority == 4
    assert chosen.ticket_code in only_text(chosen)
    assert chat.state is None
    assert chat.nlu.calls == [text]


async def test_a_question_choice_answers_from_the_ranking(chat: Chat, content: Content) -> None:
    text = "kalo mau ngurus yg buat kerja itu gmn"
    chat.nlu.says(
        text, "smalltalk", 0.2, ("smalltalk", 0.2), ("emergency", 0.15), ("faq_skck", 0.1)
    )
    await chat.send(text)

    chosen = await chat.send("/pilih question")

    assert content.faq_answer("skck", "id").strip() in only_text(chosen)
    assert chosen.outcome.clarified is not None
    assert chosen.outcome.clarified[1] is Category.QUESTION


async def test_an_unrelated_message_after_clarify_is_classified_afresh(
    chat: Chat, content: Content
) -> None:
    unsure = "eh itu anu gimana ya"
    chat.nlu.says(unsure, "smalltalk", 0.2)
    await chat.send(unsure)
    assert chat.state is not None

    question = "syarat perpanjang sim a apa aja"
    chat.nlu.says(question, "faq_sim", 0.9)
    decision = await chat.send(question)

    assert chat.nlu.calls == [unsure, question]
    assert decision.classification is not None
    assert decision.classification.intent == "faq_sim"
    assert content.faq_answer("sim", "id").strip() in only_text(decision)
    assert decision.outcome.clarified is None
    assert chat.state is None


# --- status ------------------------------------------------------------------------------------


async def test_status_with_the_citizens_own_code_shows_it(chat: Chat, content: Content) -> None:
    await chat.send("/saran")
    created = await chat.send("petugasnya ramah sekali, terima kasih")
    code = created.ticket_code

    decision = await chat.send(f"/status {code.lower().replace('-', ' ')}")

    text = only_text(decision)
    assert code in text
    assert content.texts.get("id", "status.new") in text
    assert content.texts.get("id", "category.feedback") in text
    assert "01/01/2026 07:00 WIB" in text
    assert chat.nlu.calls == []


async def test_status_with_another_code_says_not_found(chat: Chat, content: Content) -> None:
    await chat.send("/saran")
    created = await chat.send("antrean SKCK terlalu lama")
    other = "PL-2345-6789" if created.ticket_code != "PL-2345-6789" else "PL-9876-5432"

    decision = await chat.send(f"/status {other}")

    assert only_text(decision) == content.texts.get("id", "status.not_found", code=other)
    assert created.ticket_code not in only_text(decision)


async def test_status_of_another_citizens_ticket_is_not_shown(
    content: Content,
    intents: IntentTable,
    nlu_rules: NluRules,
    priorities: Mapping[str, int],
) -> None:
    first = make_chat(content, intents, nlu_rules, priorities)
    await first.send("/saran")
    code = (await first.send("lampu jalan depan polsek mati")).ticket_code
    second = Chat(first.pipeline, first.inbox, first.nlu, chat_id="session-2")

    decision = await second.send(f"/status {code}")

    assert only_text(decision) == content.texts.get("id", "status.not_found", code=code)


async def test_status_from_the_nlu_finds_the_code_in_the_text(chat: Chat) -> None:
    await chat.send("/saran")
    code = (await chat.send("pelayanan sim cepat, mantap")).ticket_code
    text = f"gimana perkembangan laporan saya {code}?"
    chat.nlu.says(text, "cek_status", 0.9)

    decision = await chat.send(text)

    assert code in only_text(decision)


# --- commands and language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["/start", "/help", "/menu", "/lapor", "/status", "/petugas", "/saran", "/batal"]
)
async def test_commands_do_not_call_the_nlu(chat: Chat, command: str) -> None:
    decision = await chat.send(command)

    assert chat.nlu.calls == []
    assert decision.classification is None
    assert decision.outcome.replies


async def test_an_unknown_command_gets_the_fallback_without_the_nlu(
    chat: Chat, content: Content
) -> None:
    decision = await chat.send("/entahlah")

    assert chat.nlu.calls == []
    assert content.texts.get("id", "fallback.text") in only_text(decision)


async def test_another_command_leaves_an_open_dialog(chat: Chat) -> None:
    await chat.send("/lapor")
    assert chat.state is not None

    await chat.send("/status")

    assert chat.state is None


async def test_a_command_keeps_an_english_citizen_in_english(
    english_chat: Chat, content: Content
) -> None:
    text = "Someone stole my bike from the parking lot"
    english_chat.nlu.says(text, "crime_report", 0.9)
    await english_chat.send(text)
    await english_chat.send("near the city hall")
    await english_chat.send("yesterday at noon")
    await english_chat.send("/lewati")

    decision = await english_chat.send("/ya")

    assert decision.language == "en"
    assert english_chat.language == "en"
    assert content.texts.get("en", "report.identity_anonymous") in only_text(decision)
    assert "Summary of your report" in only_text(decision)


async def test_the_language_of_a_clear_message_is_remembered(chat: Chat, content: Content) -> None:
    text = "hello, what can you do for me?"
    chat.nlu.says(text, "smalltalk", 0.9)
    await chat.send(text)
    assert chat.language == "en"

    decision = await chat.send("/batal")

    assert decision.language == "en"
    assert only_text(decision) == content.texts.get("en", "cancel.nothing")


async def test_an_unclear_message_keeps_the_language(english_chat: Chat, content: Content) -> None:
    english_chat.nlu.says("ok", "thanks", 0.9)

    decision = await english_chat.send("ok")

    assert decision.language == "en"
    assert only_text(decision) == content.texts.get("en", "smalltalk.thanks")


# --- processing --------------------------------------------------------------------------------


async def test_an_already_processed_message_is_not_processed_again(chat: Chat) -> None:
    accepted = await chat.inbox.accept(Inbound("webchat", "session-1", "m-1", "/start"))

    assert await chat.pipeline.process(accepted.message_id, accepted.citizen_id) is True
    decision = chat.inbox.decisions[accepted.message_id]
    assert await chat.pipeline.process(accepted.message_id, accepted.citizen_id) is False
    assert chat.inbox.decisions[accepted.message_id] is decision


async def test_messages_of_one_citizen_are_processed_one_at_a_time(chat: Chat) -> None:
    start = await chat.inbox.accept(Inbound("webchat", "session-1", "m-1", "/lapor"))
    story = await chat.inbox.accept(Inbound("webchat", "session-1", "m-2", "motor saya dicuri"))

    await asyncio.gather(
        chat.pipeline.process(start.message_id, start.citizen_id),
        chat.pipeline.process(story.message_id, story.citizen_id),
    )

    # The second message saw the dialog the first one opened, so it needed no NLU.
    assert chat.nlu.calls == []
    assert chat.state is not None
    assert chat.state.step == "where"
    assert chat.state.data["what"] == "motor saya dicuri"


async def test_each_turn_gets_a_fresh_ticket_code(chat: Chat) -> None:
    await chat.send("/saran")
    first = await chat.send("kurang ramah")
    await chat.send("/saran")
    second = await chat.send("parkiran sempit")

    assert first.ticket_code != second.ticket_code
    codes = {t.code for tickets in chat.inbox.tickets.values() for t in tickets}
    assert codes == {first.ticket_code, second.ticket_code}


async def test_an_empty_message_without_a_dialog_gets_the_fallback(
    chat: Chat, content: Content
) -> None:
    decision = await chat.send(media=(Media("sticker", "s-1"),))

    assert chat.nlu.calls == []
    assert content.texts.get("id", "fallback.text") in only_text(decision)


# --- NLU down and the inbox worker -------------------------------------------------------------


class DownNlu(FakeNlu):
    def __init__(self) -> None:
        super().__init__()
        self.down = True

    async def parse(self, text: str) -> Parse:
        if self.down:
            self.calls.append(text)
            raise NluUnavailable("Rasa at http://127.0.0.1:5005 did not answer")
        return await super().parse(text)


async def test_a_message_waits_in_the_inbox_while_the_nlu_is_down(
    content: Content, intents: IntentTable, nlu_rules: NluRules, priorities: Mapping[str, int]
) -> None:
    inbox = FakeInbox()
    nlu = DownNlu()
    pipeline = Pipeline(inbox, Classifier(nlu, intents), content, HANDLERS, nlu_rules, priorities)
    worker = InboxWorker(inbox, pipeline, poll_seconds=0.01)
    accepted = await inbox.accept(Inbound("webchat", "session-1", "m-1", "syarat skck apa"))

    with pytest.raises(NluUnavailable):
        await pipeline.process(accepted.message_id, accepted.citizen_id)
    assert [a.message_id for a in await inbox.pending(10)] == [accepted.message_id]
    assert inbox.decisions == {}

    nlu.down = False
    nlu.says("syarat skck apa", "faq_skck", 0.9)
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0

    decision = inbox.decisions[accepted.message_id]
    assert content.faq_answer("skck", "id").strip() in only_text(decision)
    assert await inbox.pending(10) == []
