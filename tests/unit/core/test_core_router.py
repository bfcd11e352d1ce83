from collections.abc import Callable

import pytest

from bot.core.content import IntentTable
from bot.core.router import (
    COMMAND_HANDLERS,
    NluRules,
    asks_to_wait,
    handler_for_classification,
    is_nudge,
    parse_command,
)
from bot.core.types import Classification, Parse
from handlers import HANDLERS

RULES = NluRules(confidence_threshold=0.5, emergency_threshold=0.3, dialog_emergency_threshold=0.8)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/lapor@PolresBot x", "/lapor"),
        ("/lapor", "/lapor"),
        ("  /STATUS PL-7K3M-Q9XD ", "/status"),
        ("/pilih feedback", "/pilih"),
        ("Batal", "/batal"),
        ("batal.", "/batal"),
        ("CANCEL!", "/batal"),
        ("gak jadi", "/batal"),
        ("tidak jadi", "/batal"),
        ("eh gak jadi deh", "/batal"),
        ("ga jadi aja pak", "/batal"),
        ("lapor dong min", "/lapor"),
        ("Langganan", "/langganan"),
        ("berlangganan!", "/langganan"),
        ("BERHENTI", "/berhenti"),
        ("unsubscribe.", "/berhenti"),
        ("PL-7K3M-Q9XD", "/status"),  # a ticket code alone
        (" pl 7k3m q9xd. ", "/status"),
        ("lapor", "/lapor"),  # wanting to report, saying nothing yet
        ("Pak, saya mau lapor!", "/lapor"),
        ("mau kasih saran min", "/saran"),
        ("I want to complain", "/saran"),
        ("Tanya petugas", "/petugas"),  # the button's title typed
        ("pak saya mau tanya", "/tanya"),  # a question announced, not asked yet
        ("I have a question", "/tanya"),
        ("ask an officer", "/petugas"),
    ],
)
def test_parse_command(text: str, command: str) -> None:
    assert parse_command(text) == command


@pytest.mark.parametrize(
    "text",
    [
        "halo min",
        "",
        "   ",
        "saya mau batal laporan kemarin",
        "saya mau lapor penipuan",  # the NLU reads what follows
        "pak",
        "cek PL-7K3M-Q9XD dong",  # the NLU reads a sentence around a code
        "a/b",
        "berhenti merokok gimana caranya",
        "petugas spkt tadi kasar banget",
    ],
)
def test_plain_text_is_no_command(text: str) -> None:
    assert parse_command(text) is None


def test_every_command_names_a_known_handler() -> None:
    assert set(COMMAND_HANDLERS.values()) <= set(HANDLERS)
    assert COMMAND_HANDLERS["/batal"] == COMMAND_HANDLERS["/cancel"] == "cancel"


Classify = Callable[[str, float], Classification]


@pytest.fixture
def classify(intents: IntentTable) -> Classify:
    return lambda intent, confidence: intents.classify("teks", Parse(intent, confidence))


def test_confident_classification_goes_to_its_handler(classify: Classify) -> None:
    assert handler_for_classification(classify("faq_skck", 0.9), "faq", RULES) == "faq"


def test_confidence_exactly_at_the_threshold_is_enough(classify: Classify) -> None:
    assert handler_for_classification(classify("faq_skck", 0.5), "faq", RULES) == "faq"


def test_low_confidence_asks_the_citizen(classify: Classify) -> None:
    assert handler_for_classification(classify("faq_skck", 0.49), "faq", RULES) == "clarify"
    assert handler_for_classification(classify("crime_report", 0.2), "crime_report", RULES) == (
        "clarify"
    )


def test_urgent_above_the_emergency_threshold_wins_below_the_normal_one(
    classify: Classify,
) -> None:
    emergency = classify("emergency", 0.35)
    assert emergency.urgent
    assert handler_for_classification(emergency, "emergency", RULES) == "emergency"
    assert handler_for_classification(classify("emergency", 0.3), "emergency", RULES) == (
        "emergency"
    )


def test_urgent_below_the_emergency_threshold_asks_the_citizen(classify: Classify) -> None:
    assert handler_for_classification(classify("emergency", 0.29), "emergency", RULES) == (
        "clarify"
    )


def test_the_emergency_threshold_does_not_apply_to_other_intents(classify: Classify) -> None:
    assert handler_for_classification(classify("crime_report", 0.35), "crime_report", RULES) == (
        "clarify"
    )


def test_thresholds_come_from_the_rules(classify: Classify) -> None:
    strict = NluRules(
        confidence_threshold=0.95, emergency_threshold=0.9, dialog_emergency_threshold=0.95
    )
    assert handler_for_classification(classify("faq_skck", 0.9), "faq", strict) == "clarify"
    assert handler_for_classification(classify("emergency", 0.85), "emergency", strict) == (
        "clarify"
    )


@pytest.mark.parametrize(
    "text",
    [
        "min??",
        "kok ga dibales",
        "gimana pak, ada jawaban?",
        "lama banget sih",
        "udah ada balasan belum",
        "pertanyaan saya dari tadi pagi kok belum dijawab ya pak",
        "any update?",
        "why no answer yet",
    ],
)
def test_a_nudge_calls_for_attention_or_asks_after_a_reply(text: str) -> None:
    assert is_nudge(text)


@pytest.mark.parametrize(
    "text",
    [
        "berapa lama bikin skck",
        "lama antri skck di polres",  # about the service, no reply asked after
        "gimana cara bikin sim",
        "saya mau lapor",
        "sudah 3 bulan laporan saya tidak ada tanggapan dari penyidik, saya kecewa sekali pak",
    ],
)
def test_other_messages_are_no_nudge(text: str) -> None:
    assert not is_nudge(text)


@pytest.mark.parametrize(
    "text",
    ["sebentar pak, saya cek dulu", "bentar yaa", "tungguuu", "wait, let me check", "hold on"],
)
def test_asking_to_wait(text: str) -> None:
    assert asks_to_wait(text)


@pytest.mark.parametrize(
    "text",
    [
        "sebentar, jam 2 pagi kayaknya",  # an answer after it
        "dulu pernah ada maling",
        "di depan rumah",
        "ok",
    ],
)
def test_no_asking_to_wait(text: str) -> None:
    assert not asks_to_wait(text)
