"""data/ as the loader reads it: FAQ aspects must be known and written in every language."""

from pathlib import Path

import pytest

from bot.config_file import Office
from bot.content import load_content
from bot.core.errors import ContentError

ROOT = Path(__file__).resolve().parents[2]

FAQ = """\
topic: skck
title: {id: SKCK, en: SKCK}
answer: {id: Semua tentang SKCK Rp30.000., en: All about SKCK Rp30.000.}
"""


def data_dir(
    tmp_path: Path, faq: str, aspects: str = "cost: [biaya, fee]\n", topic: str = "skck"
) -> Path:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "id.yml").write_text("greet: Halo\n")
    (tmp_path / "messages" / "en.yml").write_text("greet: Hello\n")
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / f"{topic}.yml").write_text(faq)
    (tmp_path / "aspects.yml").write_text(aspects)
    return tmp_path


def test_a_topics_short_answers_are_read_with_the_words_that_ask_for_them(
    tmp_path: Path,
) -> None:
    faq = FAQ + "aspects:\n  cost: {id: Biaya SKCK Rp30.000., en: The fee is Rp30.000.}\n"
    content = load_content(data_dir(tmp_path, faq), ("id", "en"))

    asked = content.aspect_words.asked("berapa biayanya?")
    assert asked == {"cost"}
    assert content.faq["skck"].focused(asked, "en") == "The fee is Rp30.000."


@pytest.mark.parametrize(
    ("aspects", "error"),
    [
        ("  hours: {id: Buka 24 jam., en: Open 24 hours.}\n", r"unknown aspects \['hours'\]"),
        ("  cost: {id: Biaya Rp30.000.}\n", "aspects.cost is missing for en"),
    ],
)
def test_an_unknown_or_untranslated_aspect_is_refused(
    tmp_path: Path, aspects: str, error: str
) -> None:
    with pytest.raises(ContentError, match=error):
        load_content(data_dir(tmp_path, FAQ + "aspects:\n" + aspects), ("id", "en"))


def test_an_aspect_without_words_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="list of words"):
        load_content(data_dir(tmp_path, FAQ, aspects="cost: []\n"), ("id", "en"))


def test_an_unknown_action_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="action must be one of report, feedback"):
        load_content(data_dir(tmp_path, FAQ + "action: dance\n"), ("id", "en"))


def test_a_topic_is_found_by_its_names(tmp_path: Path) -> None:
    faq = FAQ + "names: [skck, police clearance, e-skck]\n"
    content = load_content(data_dir(tmp_path, faq), ("id", "en"))

    assert content.topic_named("Is the POLICE CLEARANCE free?") == "skck"
    assert content.topic_named("bisa bikin e-skck?") == "skck"  # a hyphen is a space
    assert content.topic_named("skcknya berapa") is None  # whole words only
    assert content.topic_named("brp biayanya?") is None


def test_a_name_given_to_two_topics_is_refused(tmp_path: Path) -> None:
    data = data_dir(tmp_path, FAQ + "names: [skck, clearance]\n")
    other = "topic: sim\ntitle: {id: SIM, en: SIM}\nanswer: {id: SIM., en: SIM.}\n"
    (data / "faq" / "sim.yml").write_text(other + "names: [sim, clearance]\n")
    with pytest.raises(ContentError, match="names given to two topics: clearance"):
        load_content(data, ("id", "en"))


def test_names_that_are_no_list_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="names must be a list"):
        load_content(data_dir(tmp_path, FAQ + "names: skck\n"), ("id", "en"))


OFFICE_FAQ = """\
topic: layanan_kantor
title: {id: Kantor, en: Office}
answer:
  id: |
    SPKT buka 24 jam.
    {office}
    Darurat: 110.
  en: |
    SPKT is open 24 hours.
    {office}
    Emergency: 110.
"""

OFFICE_TEXTS = (
    "office:\n"
    "  heading: 'Kantor {name}:'\n"
    "  address: '• Alamat: {value}'\n"
    "  map_url: '• Peta: {value}'\n"
    "  phone: '• Telepon: {value}'\n"
    "  whatsapp: '• WhatsApp: {value}'\n"
    "  website: '• Situs: {value}'\n"
    "  unknown: Alamat dan nomor kantor ada di media sosial resmi Polres.\n"
)


def office_data(tmp_path: Path) -> Path:
    data = data_dir(tmp_path, OFFICE_FAQ, topic="layanan_kantor")
    (data / "messages" / "id.yml").write_text(OFFICE_TEXTS)
    (data / "messages" / "en.yml").write_text(
        OFFICE_TEXTS.replace("Kantor {name}", "The {name} office").replace("Alamat:", "Address:")
    )
    return data


def test_the_configured_office_fills_its_line_with_the_details_given(tmp_path: Path) -> None:
    office = Office(name="Polres Contoh", address="Jl. Merdeka 1", phone="(0271) 123456")

    content = load_content(office_data(tmp_path), ("id", "en"), office)

    assert content.faq_answer("layanan_kantor", "id") == (
        "SPKT buka 24 jam.\nKantor Polres Contoh:\n• Alamat: Jl. Merdeka 1\n"
        "• Telepon: (0271) 123456\nDarurat: 110.\n"
    )
    assert "The Polres Contoh office:\n• Address: Jl. Merdeka 1\n" in content.faq_answer(
        "layanan_kantor", "en"
    )


@pytest.mark.parametrize("office", [None, Office(name="Polres Contoh", address="  ")])
def test_without_an_address_or_number_the_line_points_to_the_official_accounts(
    tmp_path: Path, office: Office | None
) -> None:
    content = load_content(office_data(tmp_path), ("id", "en"), office)

    assert content.faq_answer("layanan_kantor", "id") == (
        "SPKT buka 24 jam.\nAlamat dan nomor kantor ada di media sosial resmi Polres.\n"
        "Darurat: 110.\n"
    )


def test_the_shipped_answers_about_the_office_and_its_numbers_tell_the_configured_office() -> None:
    office = Office(
        name="Polres Contoh",
        address="Jl. Merdeka 1",
        map_url="https://maps.example/polres",
        phone="(0271) 123456",
        whatsapp="0811-2222-3333",
        website="instagram.com/polrescontoh",
    )
    content = load_content(ROOT / "data", ("id", "en"), office)

    for topic, aspect in (
        ("layanan_kantor", None),
        ("layanan_kantor", "where"),
        ("nomor_darurat", None),
    ):
        for language in ("id", "en"):
            faq = content.faq[topic]
            text = (
                faq.focused({aspect}, language) if aspect else content.faq_answer(topic, language)
            )
            assert text is not None
            assert all(detail in text for detail in vars(office).values()), (topic, aspect)
            assert "{" not in text


def test_the_shipped_answers_hold_no_other_placeholder() -> None:
    for faq in load_content(ROOT / "data", ("id", "en")).faq.values():
        texts = [*faq.answer.values(), *(t for a in faq.aspects.values() for t in a.values())]
        assert not any("{" in text or "}" in text for text in texts), faq.topic
