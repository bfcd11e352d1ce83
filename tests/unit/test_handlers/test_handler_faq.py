from collections.abc import Callable
from dataclasses import replace

import pytest

from bot.core.content import Content
from bot.core.handling import Context
from bot.core.types import Category, DialogState
from handlers import faq

MakeContext = Callable[..., Context]


def test_answers_the_topic_in_indonesian(make_context: MakeContext, content: Content) -> None:
    outcome = faq.handle(make_context("bagaimana cara membuat skck", intent="faq_skck"))

    [reply] = outcome.replies
    assert reply.text.startswith(content.faq_answer("skck", "id").strip())
    assert reply.text.endswith(content.texts.get("id", "faq.follow_up"))
    assert [b.payload for b in reply.buttons] == ["/petugas", "/menu"]
    assert [b.title for b in reply.buttons] == ["Tanya petugas", "Menu"]
    assert outcome.ticket is None
    assert outcome.state is None


def test_answers_the_topic_in_english(make_context: MakeContext, content: Content) -> None:
    outcome = faq.handle(make_context("how to renew a SIM", language="en", intent="faq_sim"))

    [reply] = outcome.replies
    assert reply.text.startswith(content.faq_answer("sim", "en").strip())
    assert content.faq_answer("sim", "id").strip() not in reply.text
    assert reply.text.endswith(content.texts.get("en", "faq.follow_up"))
    assert [b.title for b in reply.buttons] == ["Ask an officer", "Menu"]


def test_a_question_about_one_part_gets_the_short_answer_to_it(
    make_context: MakeContext, content: Content
) -> None:
    outcome = faq.handle(make_context("berapa biaya skck?", intent="faq_skck"))

    [reply] = outcome.replies
    assert reply.text == (
        content.faq["skck"].aspects["cost"]["id"].strip()
        + "\n\n"
        + content.texts.get("id", "faq.follow_up")
    )
    assert [(b.title, b.payload) for b in reply.buttons] == [
        ("Info lengkap", "/info skck"),
        ("Tanya petugas", "/petugas"),
        ("Menu", "/menu"),
    ]


def test_a_fine_asked_about_is_the_cost(make_context: MakeContext, content: Content) -> None:
    context = make_context(
        "what's the fine for not wearing a helmet", language="en", intent="faq_tilang"
    )

    [reply] = faq.handle(context).replies

    assert reply.text.startswith(content.faq["tilang"].aspects["cost"]["en"].strip())


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("daftar polisi bayar gak pak?", "id", "GRATIS"),
        ("kapan pendaftaran bintara dibuka?", "id", "setahun sekali"),
        ("where do I register to join the police?", "en", "penerimaan.polri.go.id"),
    ],
)
def test_joining_the_police_is_answered_free_and_where_to_register(
    make_context: MakeContext, text: str, language: str, expected: str
) -> None:
    context = make_context(text, language=language, intent="faq_rekrutmen_polri")

    [reply] = faq.handle(context).replies
    assert expected in reply.text
    assert "/info rekrutmen_polri" in [b.payload for b in reply.buttons]  # a short answer


def test_a_letter_the_village_office_issues_is_sent_there_before_the_loss_letter(
    make_context: MakeContext, content: Content
) -> None:
    # The NLU reads "surat keterangan …" as the loss report letter.
    context = make_context("bikin surat keterangan domisili dimana", intent="faq_surat_kehilangan")

    [reply] = faq.handle(context).replies

    aspects = content.faq["surat_kehilangan"].aspects
    assert reply.text.startswith(
        f"{aspects['village_letters']['id'].strip()}\n\n{aspects['where']['id'].strip()}"
    )
    assert "kelurahan atau desa" in reply.text


def test_an_accident_letter_is_sent_to_the_traffic_unit_not_the_spkt(
    make_context: MakeContext, content: Content
) -> None:
    # The NLU reads "surat keterangan kecelakaan" as the loss report letter.
    text = "ada tabrakan tadi pagi, mau minta surat keterangan kecelakaan buat asuransi"

    [reply] = faq.handle(make_context(text, intent="faq_surat_kehilangan")).replies

    accident_letter = content.faq["surat_kehilangan"].aspects["accident_letter"]["id"].strip()
    assert reply.text.startswith(f"{accident_letter}\n\n")
    assert "Laka Lantas" in reply.text


def test_a_question_about_two_parts_gets_both_in_the_topics_order(
    make_context: MakeContext, content: Content
) -> None:
    context = make_context("how much and what documents?", language="en", intent="faq_sim")

    [reply] = faq.handle(context).replies

    aspects = content.faq["sim"].aspects
    requirements, cost = aspects["requirements"]["en"].strip(), aspects["cost"]["en"].strip()
    assert reply.text.startswith(f"{requirements}\n\n{cost}\n\n")
    assert reply.buttons[0].title == "Full information"


def test_a_part_the_topic_has_no_short_answer_for_gets_the_whole_answer(
    make_context: MakeContext, content: Content
) -> None:
    assert "hours" not in content.faq["penipuan_online"].aspects
    context = make_context("lapor penipuan online bisa jam berapa", intent="faq_penipuan_online")

    [reply] = faq.handle(context).replies

    assert reply.text.startswith(content.faq_answer("penipuan_online", "id").strip())
    assert "/info penipuan_online" not in [b.payload for b in reply.buttons]


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("jam brp pelayanan sim dibuka hari sabtu", "faq_sim", "Sabtu pagi"),
        ("skck buka jam berapa", "faq_skck", "skck.polri.go.id"),
        ("bikin surat kehilangan hari minggu bisa?", "faq_surat_kehilangan", "24 jam"),
        ("samsat buka jam brp", "faq_stnk_bpkb", "SIGNAL"),
        ("ambil sim yg ditilang di kejaksaan jam berapa", "faq_tilang", "jam kerja"),
    ],
)
def test_a_services_hours_are_its_short_answer(
    make_context: MakeContext, content: Content, text: str, intent: str, expected: str
) -> None:
    topic = intent.removeprefix("faq_")

    [reply] = faq.handle(make_context(text, intent=intent)).replies

    assert reply.text.startswith(content.faq[topic].aspects["hours"]["id"].strip())
    assert expected in reply.text
    assert reply.buttons[0].payload == f"/info {topic}"


def test_of_the_parts_asked_those_the_topic_has_a_short_answer_for(
    make_context: MakeContext, content: Content
) -> None:
    context = make_context("masa berlaku skck berapa lama", intent="faq_skck")

    [reply] = faq.handle(context).replies  # validity, and no short answer for a duration

    assert reply.text.startswith(content.faq["skck"].aspects["validity"]["id"].strip() + "\n\n")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("saya mau lapor", "faq_prosedur_laporan"),
        ("anak saya hilang dari tadi siang belum ketemu", "faq_orang_hilang"),
    ],
)
def test_how_to_report_offers_to_report_here(
    make_context: MakeContext, text: str, intent: str
) -> None:
    context = make_context(text, intent=intent)

    [reply] = faq.handle(context).replies

    assert [(b.title, b.payload) for b in reply.buttons] == [
        ("Lapor kejadian", "/lapor"),
        ("Tanya petugas", "/petugas"),
        ("Menu", "/menu"),
    ]


def test_with_a_short_answer_and_an_action_the_menu_button_makes_room(
    make_context: MakeContext,
) -> None:
    context = make_context("lapor polisi bayar gak?", intent="faq_prosedur_laporan")

    [reply] = faq.handle(context).replies  # WhatsApp shows up to 3 as buttons

    assert [b.payload for b in reply.buttons] == [
        "/info prosedur_laporan",
        "/lapor",
        "/petugas",
    ]


def test_how_to_complain_about_an_officer_offers_the_complaint_form(
    make_context: MakeContext,
) -> None:
    context = make_context("cara mengadukan polisi nakal", intent="faq_pengaduan_petugas")

    [reply] = faq.handle(context).replies

    assert reply.buttons[0].payload == "/saran"


def test_the_full_answer_button_gives_the_whole_answer(
    make_context: MakeContext, content: Content
) -> None:
    [reply] = faq.handle(make_context("/info skck", command="/info")).replies

    assert reply.text.startswith(content.faq_answer("skck", "id").strip())
    assert [b.payload for b in reply.buttons] == ["/petugas", "/menu"]


@pytest.mark.parametrize("text", ["/info", "/info no_such_topic"])
def test_the_full_answer_of_no_known_topic_asks_which_service(
    make_context: MakeContext, content: Content, text: str
) -> None:
    [reply] = faq.handle(make_context(text, command="/info")).replies

    assert reply.text == content.texts.get("id", "faq.which")


def test_every_faq_intent_has_an_answer_in_both_languages(
    make_context: MakeContext, content: Content
) -> None:
    topics = {
        name: spec.faq_topic
        for name, spec in make_context().intents.specs.items()
        if spec.handler == "faq"
    }
    assert len(topics) == 15
    for intent, topic in topics.items():
        assert topic is not None
        for language in ("id", "en"):
            [reply] = faq.handle(make_context("q", language=language, intent=intent)).replies
            assert content.faq_answer(topic, language).strip() in reply.text


def test_without_a_topic_the_question_goes_to_an_officer(make_context: MakeContext) -> None:
    outcome = faq.handle(make_context("bisa minta rekaman cctv?", intent="question_other"))

    assert outcome.ticket is not None
    assert outcome.ticket.category is Category.QUESTION
    assert outcome.ticket.details == {"question": "bisa minta rekaman cctv?"}
    assert outcome.ticket.intent == "question_other"
    assert "PL-7K3M-Q9XD" in outcome.replies[0].text


def test_an_unknown_topic_goes_to_an_officer(make_context: MakeContext) -> None:
    context = make_context("tanya", intent="faq_skck")
    assert context.classification is not None
    context = replace(
        context, classification=replace(context.classification, faq_topic="no_such_topic")
    )

    outcome = faq.handle(context)

    assert outcome.ticket is not None
    assert outcome.ticket.faq_topic == "no_such_topic"


def test_faq_keeps_no_dialog(make_context: MakeContext) -> None:
    state = DialogState("clarify", "choose", {})
    assert faq.handle(make_context("skck", intent="faq_skck", state=state)).state is None
