"""An in-memory inbox, a scripted NLU and a chat driver for pipeline tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.content import load_emergency_keywords
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
    OutboundMessage,
    Parse,
    StoredMessage,
    TicketStatus,
    TicketSummary,
)
from handlers import HANDLERS
from tests.unit.conftest import DATA_DIR


class FakeNlu:
    """Answers with the Parse scripted for a text (an unsure small talk for any other, as a
    dialog's answers mostly are); records every text it was asked about."""

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
        unsure = Parse("smalltalk", 0.2, (IntentScore("smalltalk", 0.2),), "test-model")
        return self.script.get(text, unsure)


class DownNlu(FakeNlu):
    """Unreachable (NluUnavailable) while `down`; records the texts it was asked about."""

    def __init__(self) -> None:
        super().__init__()
        self.down = True

    async def parse(self, text: str) -> Parse:
        if self.down:
            self.calls.append(text)
            raise NluUnavailable("Rasa at http://127.0.0.1:5005 did not answer")
        return await super().parse(text)


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
    released: list[int] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)
    processed_at: dict[int, datetime] = field(default_factory=dict)

    async def accept(self, inbound: Inbound) -> Accepted:
        key = (inbound.channel, inbound.chat_id)
        citizen = self.citizens.get(key)
        if citizen is None:
            citizen = Citizen(len(self.citizens) + 1, *key, language=self.default_language)
            self.citizens[key] = citizen
        known = self.external_ids.get((inbound.channel, inbound.external_id))
        if known is not None:
            return Accepted(known, citizen.id, duplicate=True)
        waiting = any(m.citizen.id == citizen.id for m in self._unprocessed())
        message_id = len(self.messages) + 1
        self.external_ids[(inbound.channel, inbound.external_id)] = message_id
        self.messages[message_id] = StoredMessage(
            message_id, citizen, inbound.text, inbound.media, inbound.location
        )
        if not waiting:
            self.claimed.add(message_id)
        return Accepted(message_id, citizen.id, claimed=not waiting)

    async def pending(self, limit: int) -> Sequence[Accepted]:
        oldest = {m.citizen.id: m for m in reversed(self._unprocessed())}  # each citizen's first
        first = [m for m in sorted(oldest.values(), key=lambda m: m.id) if m.id not in self.claimed]
        self.claimed.update(m.id for m in first[:limit])
        return [Accepted(m.id, m.citizen.id) for m in first][:limit]

    async def release(self, message_ids: Sequence[int]) -> None:
        self.released.extend(message_ids)
        self.claimed.difference_update(message_ids)

    def _unprocessed(self) -> list[StoredMessage]:
        return [m for m in self.messages.values() if m.id not in self.processed]

    async def load_turn(self, message_id: int) -> Turn | None:
        await asyncio.sleep(0)  # a real inbox awaits the database: let other tasks run
        if message_id in self.processed:
            return None
        stored = self.messages[message_id]
        citizen = self._citizen(stored.citizen.id)
        message = StoredMessage(stored.id, citizen, stored.text, stored.media, stored.location)
        tickets = list(reversed(self.tickets.get(citizen.id, [])))  # newest first
        return Turn(message, self.states.get(citizen.id), tickets)

    async def recent_topic(self, citizen_id: int, since: datetime) -> str | None:
        topics = [
            decision.classification.faq_topic
            for message_id, decision in sorted(self.decisions.items())
            if self.messages[message_id].citizen.id == citizen_id
            and self.processed_at[message_id] >= since
            and decision.classification is not None
            and decision.classification.faq_topic is not None
        ]
        return topics[-1] if topics else None

    async def recent_questions(self, citizen_id: int, since: datetime, limit: int) -> list[str]:
        questions = [
            self.messages[message_id].text
            for message_id, decision in sorted(self.decisions.items(), reverse=True)
            if self.messages[message_id].citizen.id == citizen_id
            and self.processed_at[message_id] >= since
            and decision.classification is not None
            and decision.classification.category is Category.QUESTION
        ]
        return questions[:limit]

    async def commit(self, message_id: int, decision: Decision) -> Sequence[OutboundMessage]:
        await asyncio.sleep(0)
        if message_id in self.processed:
            return []
        self.processed.add(message_id)
        self.processed_at[message_id] = datetime.now(UTC)
        self.claimed.discard(message_id)
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
                    created_at=datetime.now(UTC),
                    summary=outcome.ticket.summary,
                )
            )
        return [
            OutboundMessage(
                id=1_000_000 + 10 * message_id + n,
                channel=citizen.channel,
                chat_id=citizen.chat_id,
                reply=reply,
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
                language=decision.language,
            )
            for n, reply in enumerate(outcome.replies)
        ]

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
        accepted = await self.pipeline.accept(inbound)
        assert await self.pipeline.process(accepted.message_id, accepted.citizen_id) is not None
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
        classifier=Classifier(nlu, intents, load_emergency_keywords(DATA_DIR, intents)),
        content=content,
        handlers=HANDLERS,
        rules=rules,
        priorities=priorities,
        media_channels={"webchat"},
    )
    return Chat(pipeline, inbox, nlu)


async def report_theft(chat: Chat) -> str:
    """A crime report sent through the whole dialog; its ticket code."""
    chat.nlu.says("dompet saya dicopet di terminal", "crime_report", 0.93)
    for text in ("dompet saya dicopet di terminal", "Terminal Kampung Rambutan", "tadi pagi"):
        await chat.send(text)
    await chat.send("/lewati")
    await chat.send("/tidak")
    sent = await chat.send("/kirim")
    assert sent.outcome.ticket is not None
    return sent.ticket_code


def opens_an_urgent_report(decision: Decision) -> bool:
    """Whether the decision opens an urgent crime-report ticket."""
    ticket = decision.outcome.ticket
    return ticket is not None and (ticket.category, ticket.urgent) == (Category.CRIME_REPORT, True)


def only_text(decision: Decision) -> str:
    [reply] = decision.outcome.replies
    return reply.text


def payloads(decision: Decision) -> list[str]:
    return [button.payload for reply in decision.outcome.replies for button in reply.buttons]
