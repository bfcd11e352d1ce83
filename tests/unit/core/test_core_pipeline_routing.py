"""The pipeline with an in-memory inbox and a scripted NLU: status, commands, processing."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pytest

from bot.content import load_emergency_keywords
from bot.core.content import Content, IntentTable
from bot.core.errors import NluUnavailable
from bot.core.pipeline import Classifier, Pipeline
from bot.core.router import NluRules
from bot.core.types import Category, Inbound
from bot.core.wib import format_wib
from bot.core.workers import InboxWorker
from handlers import HANDLERS
from tests.unit.conftest import DATA_DIR
from tests.unit.core.pipeline_fakes import Chat, DownNlu, FakeInbox, FakeNlu, make_chat, only_text

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
    [ticket] = chat.inbox.tickets[1]
    assert format_wib(ticket.created_at) in text
    assert chat.nlu.calls == ["petugasnya ramah sekali, terima kasih"]  # watched for danger only


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


async def test_asking_for_an_officer_asks_for_the_question_that_becomes_a_ticket(
    chat: Chat, content: Content
) -> None:
    chat.nlu.says("sambungin ke petugas aja, botnya ga nyambung", "ask_officer", 0.9)

    asked = await chat.send("sambungin ke petugas aja, botnya ga nyambung")
    assert asked.outcome.replies[0].text == content.texts.get("id", "escalate.ask")
    assert asked.outcome.ticket is None
    question = await chat.send("anak saya ditahan di polres, kapan bisa dijenguk?")

    ticket = question.outcome.ticket
    assert ticket is not None
    assert ticket.category is Category.QUESTION
    assert ticket.details == {"question": "anak saya ditahan di polres, kapan bisa dijenguk?"}


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


@pytest.mark.parametrize(
    ("text", "language", "reply"),
    [
        ("I want to complain", "en", "feedback.ask"),  # a command typed in words
        ("pak, saya mau lapor", "id", "report.ask_what"),
    ],
)
async def test_a_command_typed_in_words_is_answered_in_their_language(
    english_chat: Chat, content: Content, text: str, language: str, reply: str
) -> None:
    decision = await english_chat.send(text)

    assert english_chat.nlu.calls == []
    assert decision.language == language
    assert content.texts.get(language, reply) in only_text(decision)


async def test_an_unclear_message_keeps_the_language(english_chat: Chat, content: Content) -> None:
    english_chat.nlu.says("ok", "thanks", 0.9)

    decision = await english_chat.send("ok")

    assert decision.language == "en"
    assert only_text(decision) == content.texts.get("en", "smalltalk.ok")


@pytest.mark.parametrize("text", ["pak", "P", "min??", "halooo", "pak pol", "pak 🙏", "Pak, pol!"])
async def test_a_call_for_attention_gets_the_welcome_without_the_nlu(
    chat: Chat, content: Content, text: str
) -> None:
    decision = await chat.send(text)

    [reply] = decision.outcome.replies
    assert reply.text.startswith(content.texts.get("id", "smalltalk.greet"))
    assert reply.buttons[0].payload == "/lapor"  # the menu
    assert decision.classification is not None
    assert decision.classification.intent == "greet"
    assert decision.classification.model_version == "salutation"
    assert chat.nlu.calls == []


@pytest.mark.parametrize("text", ["menu", "Bantuan?"])
async def test_menu_and_bantuan_alone_show_the_menu(
    chat: Chat, content: Content, text: str
) -> None:
    [reply] = (await chat.send(text)).outcome.replies

    assert reply.text == content.texts.get("id", "menu.text")
    assert chat.nlu.calls == []


# --- processing --------------------------------------------------------------------------------


async def test_an_already_processed_message_is_not_processed_again(chat: Chat) -> None:
    accepted = await chat.inbox.accept(Inbound("webchat", "session-1", "m-1", "/start"))

    replies = await chat.pipeline.process(accepted.message_id, accepted.citizen_id)
    assert replies  # the welcome, ready to send
    decision = chat.inbox.decisions[accepted.message_id]
    assert await chat.pipeline.process(accepted.message_id, accepted.citizen_id) is None
    assert chat.inbox.decisions[accepted.message_id] is decision


async def test_messages_of_one_citizen_are_processed_one_at_a_time(chat: Chat) -> None:
    start = await chat.inbox.accept(Inbound("webchat", "session-1", "m-1", "/lapor"))
    story = await chat.inbox.accept(Inbound("webchat", "session-1", "m-2", "motor saya dicuri"))

    await asyncio.gather(
        chat.pipeline.process(start.message_id, start.citizen_id),
        chat.pipeline.process(story.message_id, story.citizen_id),
    )

    # The second message saw the dialog the first one opened: it is the report's "what".
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
    decision = await chat.send()

    assert chat.nlu.calls == []
    assert content.texts.get("id", "fallback.text") in only_text(decision)


# --- NLU down and the inbox worker -------------------------------------------------------------


async def test_a_message_waits_in_the_inbox_while_the_nlu_is_down(
    content: Content, intents: IntentTable, nlu_rules: NluRules, priorities: Mapping[str, int]
) -> None:
    inbox = FakeInbox()
    nlu = DownNlu()
    pipeline = Pipeline(inbox, Classifier(nlu, intents), content, HANDLERS, nlu_rules, priorities)
    worker = InboxWorker(inbox, pipeline, poll_seconds=0.01)
    accepted = await inbox.accept(Inbound("webchat", "session-1", "m-1", "cara bikin skck gimana"))

    with pytest.raises(NluUnavailable):
        await worker.answer(accepted)  # …which gives the message back for the worker's passes
    assert inbox.decisions == {}
    with pytest.raises(NluUnavailable):
        await worker.run_once()  # still down: given back again

    nlu.down = False
    nlu.says("cara bikin skck gimana", "faq_skck", 0.9)
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0

    decision = inbox.decisions[accepted.message_id]
    assert content.faq_answer("skck", "id").strip() in only_text(decision)
    assert await inbox.pending(10) == []


# --- the emergency safety net while the NLU is down --------------------------------------------


def pipeline_with_safety_net(
    inbox: FakeInbox,
    nlu: DownNlu,
    content: Content,
    intents: IntentTable,
    nlu_rules: NluRules,
    priorities: Mapping[str, int],
) -> Pipeline:
    net = load_emergency_keywords(DATA_DIR, intents)
    classifier = Classifier(nlu, intents, net)
    return Pipeline(inbox, classifier, content, HANDLERS, nlu_rules, priorities)


async def test_danger_words_get_110_at_once_while_the_nlu_is_down(
    content: Content, intents: IntentTable, nlu_rules: NluRules, priorities: Mapping[str, int]
) -> None:
    inbox = FakeInbox()
    pipeline = pipeline_with_safety_net(inbox, DownNlu(), content, intents, nlu_rules, priorities)
    accepted = await inbox.accept(
        Inbound("webchat", "session-1", "m-1", "TOLONG ada perampok bawa golok di rumah saya")
    )

    assert await pipeline.process(accepted.message_id, accepted.citizen_id) is not None

    decision = inbox.decisions[accepted.message_id]
    assert "110" in only_text(decision)
    assert decision.outcome.ticket is not None
    assert decision.outcome.ticket.urgent
    assert decision.classification is not None
    assert decision.classification.model_version == "keywords"  # stored: who classified it


async def test_other_messages_still_wait_for_the_nlu(
    content: Content, intents: IntentTable, nlu_rules: NluRules, priorities: Mapping[str, int]
) -> None:
    inbox = FakeInbox()
    pipeline = pipeline_with_safety_net(inbox, DownNlu(), content, intents, nlu_rules, priorities)
    accepted = await inbox.accept(Inbound("webchat", "session-1", "m-1", "tolong info skck"))

    with pytest.raises(NluUnavailable):
        await pipeline.process(accepted.message_id, accepted.citizen_id)
    assert inbox.decisions == {}


@pytest.mark.parametrize(
    ("text", "emergency"),
    [
        ("ada MALING   MASUK rumah", True),
        ("saya dibegal di jalan", True),
        ("help me, I was robbed", True),
        ("kebakaran di pasar!", True),
        ("cara bikin skck", False),
        ("pembegalan" + "x", False),  # whole words only
        ("bomber jacket saya hilang", False),
        ("tolong info sim", False),
    ],
)
def test_the_safety_net_matches_whole_words(
    intents: IntentTable, text: str, emergency: bool
) -> None:
    net = load_emergency_keywords(DATA_DIR, intents)
    assert (net.match(text) is not None) is emergency


# --- a flooding chat ---------------------------------------------------------------------------


async def test_a_flooding_chat_is_paced_and_does_not_hold_up_others(
    content: Content, intents: IntentTable, nlu_rules: NluRules, priorities: Mapping[str, int]
) -> None:
    inbox = FakeInbox()
    nlu = FakeNlu()
    nlu.says("halo", "greet", 0.95)
    pipeline = Pipeline(inbox, Classifier(nlu, intents), content, HANDLERS, nlu_rules, priorities)
    now = [0.0]
    worker = InboxWorker(
        inbox, pipeline, poll_seconds=0.01, citizen_messages_per_minute=3, clock=lambda: now[0]
    )
    flood = [await inbox.accept(Inbound("webchat", "flooder", f"f-{i}", "halo")) for i in range(20)]
    calm = await inbox.accept(Inbound("webchat", "calm", "c-1", "halo"))
    await inbox.release([flood[0].message_id, calm.message_id])  # nobody answered them at once

    assert await worker.run_once() == 2  # one message of each chat per pass
    assert await worker.run_once() == 1
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0  # the flooder's 3 a minute are used up
    later = await inbox.accept(Inbound("webchat", "calm", "c-2", "halo"))
    assert await worker.answer(later)  # …the other chat is answered at once
    assert later.message_id in inbox.decisions
    assert calm.message_id in inbox.decisions
    assert [f.message_id in inbox.decisions for f in flood[:4]] == [True, True, True, False]
    now[0] += 60.5
    assert await worker.run_once() == 1  # the flooder's next message, in order
    assert flood[3].message_id in inbox.decisions
