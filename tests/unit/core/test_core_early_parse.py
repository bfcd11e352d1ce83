"""Early parses: the NLU starts on a text while its message is being stored (Pipeline.accept)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pytest

from bot.core import pipeline as pipeline_module
from bot.core.content import Content, IntentTable
from bot.core.errors import NluUnavailable
from bot.core.ports import Accepted
from bot.core.router import NluRules
from bot.core.types import Inbound
from tests.unit.core.pipeline_fakes import (
    Chat,
    DownNlu,
    FakeInbox,
    FakeNlu,
    make_chat,
    only_text,
)

SKCK = "cara bikin skck gimana"


class SlowInbox(FakeInbox):
    """Stores a message only once `stored` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.stored = asyncio.Event()

    async def accept(self, inbound: Inbound) -> Accepted:
        await self.stored.wait()
        return await super().accept(inbound)


def chat_with(chat: Chat, inbox: FakeInbox | None = None, nlu: FakeNlu | None = None) -> Chat:
    """The fixture's chat with another inbox or NLU in its pipeline."""
    if inbox is not None:
        chat.pipeline.inbox = chat.inbox = inbox
    if nlu is not None:
        chat.pipeline.classifier.nlu = chat.nlu = nlu
    return chat


async def test_the_nlu_starts_while_the_message_is_stored_and_parses_it_once(
    chat: Chat, content: Content
) -> None:
    chat = chat_with(chat, inbox=SlowInbox())
    chat.nlu.says(SKCK, "faq_skck", 0.95)

    sending = asyncio.create_task(chat.send(SKCK))
    await asyncio.sleep(0.01)
    assert chat.nlu.calls == [SKCK]  # the message is not stored yet
    assert not sending.done()

    assert isinstance(chat.inbox, SlowInbox)
    chat.inbox.stored.set()
    decision = await sending
    assert content.faq_answer("skck", "id").strip() in only_text(decision)
    assert chat.nlu.calls == [SKCK]


async def test_commands_are_not_parsed_and_a_dialogs_answers_are_parsed_early(
    chat: Chat,
) -> None:
    chat = chat_with(chat, inbox=SlowInbox())
    assert isinstance(chat.inbox, SlowInbox)
    chat.inbox.stored.set()
    await chat.send("/lapor")
    assert chat.nlu.calls == []

    chat.inbox.stored.clear()
    answering = asyncio.create_task(chat.send("motor saya dicuri"))
    await asyncio.sleep(0.01)
    assert chat.nlu.calls == ["motor saya dicuri"]  # while the answer is being stored
    chat.inbox.stored.set()
    await answering
    assert chat.nlu.calls == ["motor saya dicuri"]  # and only then
    assert chat.state is not None
    assert chat.state.data["what"] == "motor saya dicuri"


async def test_a_failed_early_parse_is_not_kept(chat: Chat, content: Content) -> None:
    nlu = DownNlu()
    chat = chat_with(chat, nlu=nlu)
    nlu.says(SKCK, "faq_skck", 0.95)
    inbound = Inbound("webchat", chat.chat_id, "m-1", SKCK)
    accepted = await chat.pipeline.accept(inbound)
    with pytest.raises(NluUnavailable):
        await chat.pipeline.process(accepted.message_id, accepted.citizen_id)

    # Back up: the inbox worker's next try asks the NLU again.
    nlu.down = False
    assert await chat.pipeline.process(accepted.message_id, accepted.citizen_id) is not None
    assert chat.nlu.calls == [SKCK, SKCK]
    assert content.faq_answer("skck", "id").strip() in only_text(
        chat.inbox.decisions[accepted.message_id]
    )


async def test_an_early_parse_left_too_long_is_parsed_again(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline_module, "EARLY_PARSE_SECONDS", 0.0)
    chat.nlu.says(SKCK, "faq_skck", 0.95)
    await chat.send(SKCK)
    assert chat.nlu.calls == [SKCK, SKCK]


async def test_an_early_parse_nobody_asks_for_is_forgotten(
    content: Content,
    intents: IntentTable,
    nlu_rules: NluRules,
    priorities: Mapping[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pipeline_module, "EARLY_PARSES", 3)
    chat = make_chat(content, intents, nlu_rules, priorities)
    classifier = chat.pipeline.classifier
    texts = [f"teks {n}" for n in range(10)]
    for text in texts:
        chat.nlu.says(text, "faq_skck", 0.95)
        classifier.start(text)
    await classifier.classify(texts[-1])  # kept: no second parse
    await classifier.classify(texts[0])  # forgotten: parsed again
    assert chat.nlu.calls == [*texts, texts[0]]
