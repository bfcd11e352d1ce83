"""A question that names no topic ("brp biayanya?") is answered from the last one asked."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.content import Content
from bot.core.pipeline import FOLLOW_UP_WINDOW
from tests.unit.core.pipeline_fakes import Chat, only_text, payloads, report_theft


def script(chat: Chat) -> None:
    chat.nlu.says("syarat perpanjang sim", "faq_sim", 0.97)
    chat.nlu.says("how do I renew my driving licence?", "faq_sim", 0.95)
    chat.nlu.says("berapa biaya skck", "faq_skck", 0.98)
    for text in ("brp biayanya?", "bisa online gak?", "how much does it cost?"):
        chat.nlu.says(text, "follow_up_question", 0.9)


def long_ago(chat: Chat) -> None:
    """Move every message processed so far to before the follow-up window."""
    for message_id in chat.inbox.processed_at:
        chat.inbox.processed_at[message_id] -= FOLLOW_UP_WINDOW + timedelta(minutes=1)


async def test_a_follow_up_question_gets_the_last_topics_answer(
    chat: Chat, content: Content
) -> None:
    script(chat)
    await chat.send("syarat perpanjang sim")

    decision = await chat.send("brp biayanya?")

    text = only_text(decision)
    title = content.faq["sim"].title["id"]  # SIM (Surat Izin Mengemudi)
    assert text.startswith(content.texts.get("id", "faq.about", title=title) + "\n")
    # It asks for the cost: the cost of a SIM, the whole answer a button away.
    assert content.faq["sim"].aspects["cost"]["id"].strip() in text
    assert content.faq_answer("sim", "id").strip() not in text
    assert payloads(decision) == ["/info sim", "/petugas", "/menu"]
    assert decision.outcome.ticket is None


async def test_follow_ups_keep_the_topic_until_another_is_asked(
    chat: Chat, content: Content
) -> None:
    script(chat)
    await chat.send("syarat perpanjang sim")
    await chat.send("brp biayanya?")
    online = content.faq["sim"].aspects["online"]["id"].strip()
    assert online in only_text(await chat.send("bisa online gak?"))

    await chat.send("berapa biaya skck")
    cost = content.faq["skck"].aspects["cost"]["id"].strip()
    assert cost in only_text(await chat.send("brp biayanya?"))


async def test_a_follow_up_in_english_is_answered_in_english(
    english_chat: Chat, content: Content
) -> None:
    script(english_chat)
    await english_chat.send("how do I renew my driving licence?")

    text = only_text(await english_chat.send("how much does it cost?"))

    assert content.faq["sim"].aspects["cost"]["en"].strip() in text
    assert text.startswith("About ")


async def test_without_a_topic_the_bot_asks_which_service(chat: Chat, content: Content) -> None:
    script(chat)

    decision = await chat.send("brp biayanya?")

    assert only_text(decision) == content.texts.get("id", "faq.which")
    assert decision.outcome.ticket is None


async def test_a_topic_asked_long_ago_is_not_assumed(chat: Chat, content: Content) -> None:
    script(chat)
    await chat.send("syarat perpanjang sim")
    long_ago(chat)

    decision = await chat.send("brp biayanya?")

    assert only_text(decision) == content.texts.get("id", "faq.which")


async def test_a_follow_up_chosen_as_a_question_asks_which_service(
    chat: Chat, content: Content
) -> None:
    unsure = "trus itu brp ya"
    chat.nlu.says(unsure, "smalltalk", 0.3, ("smalltalk", 0.3), ("follow_up_question", 0.25))
    await chat.send(unsure)

    chosen = await chat.send("/pilih question")

    assert only_text(chosen) == content.texts.get("id", "faq.which")
    assert chosen.outcome.ticket is None  # not an officer's question


async def test_what_about_another_service_asks_the_same_part_of_it(
    chat: Chat, content: Content
) -> None:
    script(chat)
    chat.nlu.says("kalau sim?", "faq_sim", 0.9)
    chat.nlu.says("klo stnk gmn", "faq_stnk_bpkb", 0.9)
    await chat.send("berapa biaya skck")

    sim = await chat.send("kalau sim?")

    assert content.faq["sim"].aspects["cost"]["id"].strip() in only_text(sim)
    assert content.faq_answer("sim", "id").strip() not in only_text(sim)
    assert payloads(sim)[0] == "/info sim"
    # Along a chain: still the cost.
    stnk = only_text(await chat.send("klo stnk gmn"))
    assert content.faq["stnk_bpkb"].aspects["cost"]["id"].strip() in stnk


async def test_what_about_after_a_whole_answer_gets_a_whole_answer(
    chat: Chat, content: Content
) -> None:
    chat.nlu.says("cara bikin skck", "faq_skck", 0.95)
    chat.nlu.says("kalau sim?", "faq_sim", 0.9)
    await chat.send("cara bikin skck")

    text = only_text(await chat.send("kalau sim?"))

    assert content.faq_answer("sim", "id").strip() in text


async def test_what_about_long_after_the_question_gets_a_whole_answer(
    chat: Chat, content: Content
) -> None:
    script(chat)
    chat.nlu.says("kalau sim?", "faq_sim", 0.9)
    await chat.send("berapa biaya skck")
    long_ago(chat)

    text = only_text(await chat.send("kalau sim?"))

    assert content.faq_answer("sim", "id").strip() in text


async def test_a_follow_up_after_a_report_is_about_the_report(chat: Chat, content: Content) -> None:
    script(chat)
    chat.nlu.says("berapa lama sampai dihubungi?", "follow_up_question", 0.9)
    await chat.send("berapa biaya skck")  # asked before the report: not what "berapa lama" is about
    code = await report_theft(chat)

    decision = await chat.send("berapa lama sampai dihubungi?")

    text = only_text(decision)
    assert text.startswith(f"{code} — ")
    assert content.texts.get("id", "status.new") in text
    assert content.texts.get("id", "status.next_step_waiting", code=code) in text
    assert decision.outcome.ticket is None


async def test_a_question_asked_after_the_report_is_the_follow_ups_topic(
    chat: Chat, content: Content
) -> None:
    script(chat)
    await report_theft(chat)
    await chat.send("berapa biaya skck")

    text = only_text(await chat.send("brp biayanya?"))

    assert content.faq["skck"].aspects["cost"]["id"].strip() in text


async def test_a_follow_up_after_asking_about_the_report_is_about_the_report(
    chat: Chat, content: Content
) -> None:
    script(chat)
    chat.nlu.says("ada kabar laporan saya?", "cek_status", 0.95)
    chat.nlu.says("berapa lama sampai dihubungi?", "follow_up_question", 0.9)
    code = await report_theft(chat)
    await chat.send("ada kabar laporan saya?")

    text = only_text(await chat.send("berapa lama sampai dihubungi?"))

    assert text.startswith(f"{code} — ")
    assert content.texts.get("id", "status.next_step_waiting", code=code) in text


async def test_a_follow_up_after_asking_about_reports_without_one_explains_the_status(
    chat: Chat, content: Content
) -> None:
    script(chat)
    chat.nlu.says("laporan saya gimana?", "cek_status", 0.95)
    await chat.send("laporan saya gimana?")

    text = only_text(await chat.send("brp biayanya?"))

    title = content.faq["cek_status"].title["id"]
    assert text.startswith(content.texts.get("id", "faq.about", title=title) + "\n")


async def test_a_report_made_long_ago_is_not_assumed(chat: Chat, content: Content) -> None:
    script(chat)
    await report_theft(chat)
    [ticket] = chat.inbox.tickets[1]
    chat.inbox.tickets[1] = [replace(ticket, created_at=ticket.created_at - FOLLOW_UP_WINDOW * 2)]

    decision = await chat.send("brp biayanya?")

    assert only_text(decision) == content.texts.get("id", "faq.which")


async def test_an_unsure_guess_at_the_topic_just_asked_gets_its_answer(
    chat: Chat, content: Content
) -> None:
    script(chat)
    chat.nlu.says("perpanjang", "faq_sim", 0.44)
    await chat.send("syarat perpanjang sim")

    decision = await chat.send("perpanjang")

    assert only_text(decision).startswith(content.faq_answer("sim", "id").strip())
    assert chat.state is None  # no question back


async def test_an_unsure_guess_at_another_topic_asks_back(chat: Chat, content: Content) -> None:
    script(chat)
    chat.nlu.says("perpanjang", "faq_skck", 0.44)
    await chat.send("syarat perpanjang sim")

    decision = await chat.send("perpanjang")

    assert only_text(decision) == content.texts.get("id", "clarify.ask")


async def test_an_unsure_guess_at_a_topic_asked_long_ago_asks_back(
    chat: Chat, content: Content
) -> None:
    script(chat)
    chat.nlu.says("perpanjang", "faq_sim", 0.44)
    await chat.send("syarat perpanjang sim")
    long_ago(chat)

    decision = await chat.send("perpanjang")

    assert only_text(decision) == content.texts.get("id", "clarify.ask")


async def test_a_question_read_as_naming_no_service_that_names_one_gets_its_answer(
    chat: Chat, content: Content
) -> None:
    script(chat)
    text = "can i pay traffic fine online?"
    chat.nlu.says(text, "follow_up_question", 0.65)
    await chat.send("berapa biaya skck")  # another topic asked just before

    decision = await chat.send(text)

    online = content.faq["tilang"].aspects["online"]["en"].strip()
    assert online in only_text(decision)
    assert decision.outcome.needs_review  # the admins' review lists it as overruled
