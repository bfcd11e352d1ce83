"""The pipeline with an in-memory inbox and a scripted NLU: FAQ, reports, emergencies, clarify."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.content import Content
from bot.core.handoff import officer_dialog
from bot.core.types import (
    Category,
    Location,
    Media,
    NewTicket,
)
from tests.unit.core.pipeline_fakes import Chat, only_text, payloads

# --- FAQ ---------------------------------------------------------------------------------------


async def test_an_indonesian_question_gets_the_indonesian_faq_answer(
    chat: Chat, content: Content
) -> None:
    chat.nlu.says("syarat bikin skck apa aja min", "faq_skck", 0.93)

    decision = await chat.send("syarat bikin skck apa aja min")

    # It asks for the requirements: the short answer to them.
    assert content.faq["skck"].aspects["requirements"]["id"].strip() in only_text(decision)
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
    assert only_text(first) == texts.get(
        "id", "report.ask_where_exactly", place="di parkiran pasar"
    )
    assert payloads(first) == ["/lewati"]  # "Sudah cukup"
    assert chat.state is not None
    assert (chat.state.dialog, chat.state.step) == ("crime_report", "where")

    where = await chat.send("Parkiran Pasar Baru, Jl. Merdeka")
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
    assert "Parkiran Pasar Baru, Jl. Merdeka" in confirm
    assert "tadi malam jam 11" in confirm
    assert texts.get("id", "report.identity_anonymous") in confirm
    assert payloads(anonymous) == ["/kirim", "/ubah", "/batal"]
    assert anonymous.outcome.ticket is None

    final = await chat.send("/kirim")

    ticket = final.outcome.ticket
    assert isinstance(ticket, NewTicket)
    assert ticket.category is Category.CRIME_REPORT
    assert not ticket.urgent
    assert ticket.anonymous is True
    assert ticket.details == {
        "what": what,
        "where": "Parkiran Pasar Baru, Jl. Merdeka",
        "when": "tadi malam jam 11",
    }
    assert ticket.summary == what
    assert ticket.intent == "crime_report"
    assert ticket.confidence == 0.91
    assert final.ticket_code in only_text(final)
    assert final.ticket_priority == 2
    assert chat.state is None
    # The dialog's answers are watched for danger now; the commands need no NLU.
    assert chat.nlu.calls == [what, "Parkiran Pasar Baru, Jl. Merdeka", "tadi malam jam 11"]


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
    assert not asked.outcome.needs_review  # listed for review by its low confidence
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

    chosen = await chat.send("/pilih question")  # SKCK is only a weak guess: offered

    assert chosen.outcome.clarified is not None
    assert chosen.outcome.clarified[1] is Category.QUESTION
    [reply] = chosen.outcome.replies
    assert [button.payload for button in reply.buttons] == ["/info skck", "/pilih officer"]
    answered = await chat.send("/info skck")
    assert content.faq_answer("skck", "id").strip() in only_text(answered)
    assert chat.state is None


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
    assert content.faq["sim"].aspects["requirements"]["id"].strip() in only_text(decision)
    assert decision.outcome.clarified is None
    assert chat.state is None


# --- an officer holds the ticket ------------------------------------------------------------------


async def hand_to_an_officer(chat: Chat) -> None:
    """The chat's citizen exists and an officer has claimed their ticket PL-AAAA-BBBB."""
    chat.nlu.says("halo", "greet", 0.99)
    await chat.send("halo")
    citizen = chat.inbox.citizens[("webchat", chat.chat_id)]
    chat.inbox.states[citizen.id] = officer_dialog("PL-AAAA-BBBB")


async def test_while_an_officer_holds_the_ticket_only_danger_breaks_the_silence(
    chat: Chat, content: Content
) -> None:
    await hand_to_an_officer(chat)

    chat.nlu.says("rumah saya di jalan melati 5", "crime_report", 0.9)
    quiet = await chat.send("rumah saya di jalan melati 5")
    assert quiet.outcome.replies == ()
    assert quiet.outcome.ticket_update is not None
    assert not quiet.outcome.ticket_update.urgent
    assert quiet.ticket_priority is None

    chat.nlu.says("tolong orangnya datang lagi bawa parang", "emergency", 0.8)
    danger = await chat.send("tolong orangnya datang lagi bawa parang")
    [reply] = danger.outcome.replies
    assert "110" in reply.text
    assert "112" in reply.text
    assert danger.outcome.ticket_update is not None
    assert danger.outcome.ticket_update.urgent
    assert danger.ticket_priority == 1
    assert danger.classification is not None
    assert danger.classification.intent == "emergency"
    assert chat.state == officer_dialog("PL-AAAA-BBBB")  # still with the officer


async def test_a_call_for_attention_during_the_handoff_reaches_the_officer(chat: Chat) -> None:
    await hand_to_an_officer(chat)

    ping = await chat.send("pak??")

    assert ping.outcome.replies == ()  # the officer answers, not the bot's welcome
    assert ping.outcome.ticket_update is not None
    assert ping.outcome.ticket_update.code == "PL-AAAA-BBBB"  # the message joins it
    assert chat.state == officer_dialog("PL-AAAA-BBBB")


async def test_a_command_during_the_handoff_is_answered_and_the_officer_keeps_it(
    chat: Chat,
) -> None:
    await hand_to_an_officer(chat)

    status = await chat.send("/status")
    assert status.outcome.replies  # answered
    assert chat.state == officer_dialog("PL-AAAA-BBBB")

    later = await chat.send("kapan ditambah loketnya pak?")
    assert later.outcome.replies == ()  # joins the officer's ticket, no new one
    assert later.outcome.ticket is None
    assert later.outcome.ticket_update is not None
    assert later.outcome.ticket_update.code == "PL-AAAA-BBBB"

    await chat.send("/batal")
    assert chat.state is None


# --- attachments the bot cannot read ---------------------------------------------------------


async def test_a_voice_note_asks_for_text_and_keeps_the_dialog(
    chat: Chat, content: Content
) -> None:
    what = "motor saya dicuri di parkiran pasar"
    chat.nlu.says(what, "crime_report", 0.91)
    await chat.send(what)
    await chat.send("Pasar Baru")
    await chat.send("tadi malam")
    assert chat.state is not None
    assert chat.state.step == "photo"

    voice = await chat.send(media=(Media("audio", "wa-media-1"),))
    assert only_text(voice) == content.texts.get("id", "media.unsupported")
    assert chat.state is not None
    assert chat.state.step == "photo"

    photo = await chat.send(media=(Media("photo", "wa-media-2"),))
    assert only_text(photo).startswith(content.texts.get("id", "report.photo_received"))
    await chat.send("/lewati")
    await chat.send("/tidak")
    final = await chat.send("/kirim")
    assert final.outcome.ticket is not None
    assert final.outcome.ticket.media == (Media("photo", "wa-media-2"),)  # not the voice note
    assert chat.nlu.calls == [what, "Pasar Baru", "tadi malam"]  # not the voice note either


async def test_a_sticker_outside_a_dialog_asks_for_text(chat: Chat, content: Content) -> None:
    sticker = await chat.send(media=(Media("sticker", "wa-media-3"),))
    assert only_text(sticker) == content.texts.get("id", "media.unsupported")
    assert chat.state is None
    assert chat.nlu.calls == []
