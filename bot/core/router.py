"""Decides which handler answers a message: commands first, then an open dialog, then the NLU."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.handling import CLARIFY, FAQ, REPORT, STATUS
from bot.core.tickets import is_ticket_code
from bot.core.types import Classification, TicketSummary
from bot.core.words import words

# Commands work on every channel (typed or sent by a button) and need no NLU.
COMMAND_HANDLERS: Mapping[str, str] = {
    "/start": "smalltalk",
    "/help": "smalltalk",
    "/menu": "smalltalk",
    "/tanya": "smalltalk",  # a question announced: "go ahead"
    "/lapor": REPORT,
    "/status": STATUS,
    "/petugas": "escalate",
    "/saran": "feedback",
    "/batal": "cancel",
    "/cancel": "cancel",
    "/langganan": "subscribe",
    "/subscribe": "subscribe",
    "/berhenti": "unsubscribe",
    "/unsubscribe": "unsubscribe",
    "/evakuasi": "evacuation",
    "/evacuate": "evacuation",
    "/edukasi": "education",
    "/tips": "education",
    "/info": FAQ,  # "/info skck": a topic's whole answer
}
# Whole messages that mean a command without its slash, as citizens type them. No words after
# them: a handler reads what follows its command as arguments.
COMMAND_WORDS: Mapping[str, str] = {
    **dict.fromkeys(
        ("batal", "cancel", "gak jadi", "ga jadi", "nggak jadi", "tidak jadi"), "/batal"
    ),
    **dict.fromkeys(("tips", "tip", "edukasi"), "/tips"),
    **dict.fromkeys(("langganan", "berlangganan", "subscribe"), "/langganan"),
    **dict.fromkeys(("berhenti", "unsubscribe"), "/berhenti"),
    **dict.fromkeys(("menu", "bantuan"), "/menu"),
    # wanting to report or to give feedback, saying nothing yet (the NLU takes "mau lapor" for
    # the question how to report, "mau kasih saran" for anything)
    **dict.fromkeys(
        "lapor|mau lapor|saya mau lapor|sy mau lapor|aku mau lapor|mau melapor|saya mau melapor|"
        "ingin melapor|saya ingin melapor|mau bikin laporan|mau buat laporan|"
        "saya mau buat laporan|report|i want to report|i want to report something|"
        "i want to make a report".split("|"),
        "/lapor",
    ),
    **dict.fromkeys(
        "saran|kritik dan saran|mau kasih saran|saya mau kasih saran|mau memberi saran|"
        "saya ingin memberi saran|mau komplain|saya mau komplain|komplain|mau ngadu|"
        "saya mau ngadu|feedback|i want to complain|i want to give feedback".split("|"),
        "/saran",
    ),
    # a question announced, not asked yet (the NLU cannot tell what kind of message follows)
    **dict.fromkeys(
        "mau tanya|saya mau tanya|sy mau tanya|aku mau tanya|mau nanya|saya mau nanya|"
        "mau bertanya|saya mau bertanya|ingin bertanya|saya ingin bertanya|boleh tanya|"
        "boleh nanya|numpang tanya|izin bertanya|ijin bertanya|izin tanya|ijin tanya|"
        "i have a question|i want to ask|can i ask|can i ask something|i d like to ask".split("|"),
        "/tanya",
    ),
    # an officer wanted, no question yet (the buttons' titles typed)
    **dict.fromkeys(
        "petugas|tanya petugas|mau tanya petugas|hubungi petugas|ask an officer|"
        "talk to an officer".split("|"),
        "/petugas",
    ),
}
# Whole messages that only call for attention: a greeting, answered with the welcome and the
# menu (alone the NLU takes "pak" or "p" for thanks). Inside a dialog they stay its text, so
# "pak??" reaches the officer who holds the conversation.
SALUTATIONS = frozenset(
    "pak bu bapak ibu min mimin admin mas mbak mba kak kakak bang gan om p ping halo hai hi "
    "hello permisi punten".split()
) | {"pak pol", "pak polisi", "bu pol"}

# Words that only colour a message said around a command word: "eh gak jadi deh", "lapor dong".
PARTICLES = frozenset("eh deh dong sih ya yah aja aj lah kok nih tuh ah".split())

# Words of a message that only acknowledges an answer ("ok", "siap pak"): the NLU takes it for
# thanks, which "Sama-sama" would answer.
ACKNOWLEDGEMENTS = frozenset("ok oke okay okey oce sip siap baik noted deh ya iya".split())

# A message asking the bot to wait while the citizen finds an answer ("sebentar pak, saya cek
# dulu"): a word of WAIT, the rest of WAITING_WORDS (letters held down written once).
WAIT = frozenset(
    "sebentar bentar bntr bntar tunggu tungguin tggu wait hold moment sec dulu".split()
)
WAITING_WORDS = frozenset(
    "saya sy aku gw gue i me let ya yah ok oke cek ceck check dicek liat lihat ingat inget "
    "mikir pikir cari nyari carikan tanya nanya tanyain on one a just please plis pls".split()
)

# A short message asking after a reply while a ticket waits ("kok ga dibales", "ada jawaban?",
# "any update?"): a word of a reply and one of its not having come or being asked after…
REPLY_WORDS = frozenset(
    "bales balas jawab dibales dibalas dibalesin dibalasin dijawab direspon direspons ditanggapi "
    "balesan balasan jawaban respon respons tanggapan reply replied answer answered response "
    "responded update".split()
)
PENDING_WORDS = frozenset(
    "kok belum blm ga gak nggak ngga tidak tdk kapan ada masih still no any why when yet".split()
)
NUDGE_WORDS = 10  # at most this many words
# …or one of these alone, maybe with calls for attention and particles ("lama banget sih pak").
IMPATIENCE = frozenset(
    "lama|lama banget|lama bgt|lama bngt|lama amat|lama sekali|lama bener|masih lama|gimana|"
    "gmn|jadi gimana|terus gimana|trus gmn|ada orang|ada orang gak|ada yang jaga|ada yg jaga|"
    "masih nunggu|any news|anyone there|is anyone there|still waiting".split("|")
)


def parse_command(text: str) -> str | None:
    """'/lapor@PolresBot extra' → '/lapor'; 'batal' → '/batal', 'Tips?' → '/tips', 'pak, saya
    mau lapor' → '/lapor'; a ticket code alone ('PL-7K3M-Q9XD') → '/status' (the NLU takes it
    for a phone number); else None."""
    stripped = text.strip()
    if is_ticket_code(stripped):
        return "/status"
    if stripped.startswith("/"):
        return stripped.split(maxsplit=1)[0].split("@", 1)[0].lower()
    return COMMAND_WORDS.get(_bare(stripped))


def _bare(text: str) -> str:
    """The words of a text without the calls for attention ("pak", "min") and the particles
    ("eh", "deh", "aja") around them."""
    said = words(text)
    while said and _single_letters(said[0]) in _AROUND:
        said.pop(0)
    while said and _single_letters(said[-1]) in _AROUND:
        said.pop()
    return " ".join(said)


def is_salutation(text: str) -> bool:
    """'Pak', 'min??', 'halooo', 'pak pol': a whole message that only calls for attention."""
    return " ".join(_single_letters(word) for word in words(text)) in _SALUTATIONS


def is_nudge(text: str) -> bool:
    """'min??', 'kok ga dibales', 'gimana pak, ada jawaban?', 'lama banget sih', 'any update?':
    a whole message that calls for attention or asks after a reply."""
    if is_salutation(text) or _bare(text) in IMPATIENCE:
        return True
    said = words(text)
    return (
        len(said) <= NUDGE_WORDS
        and not REPLY_WORDS.isdisjoint(said)
        and not PENDING_WORDS.isdisjoint(said)
    )


def ticket_asked_after(tickets: Sequence[TicketSummary], text: str) -> TicketSummary | None:
    """The newest of the tickets (newest first) still waiting for an officer, when the text is
    a nudge (`is_nudge`) about it; else None."""
    waiting = next((ticket for ticket in tickets if ticket.waiting), None)
    return waiting if waiting is not None and is_nudge(text) else None


def is_acknowledgement(text: str) -> bool:
    """'ok', 'siaap pak', 'oke deh 👍': a whole message that only acknowledges an answer."""
    said = [_single_letters(word) for word in words(text)]
    return any(word in ACKNOWLEDGEMENTS for word in said) and all(
        word in ACKNOWLEDGEMENTS or word in _SALUTATIONS for word in said
    )


def asks_to_wait(text: str) -> bool:
    """'sebentar pak, saya cek dulu', 'wait, let me check': a whole message that asks for time
    to find an answer (a word of WAIT, and otherwise only WAITING_WORDS and calls for
    attention)."""
    said = [_single_letters(word) for word in words(text)]
    return not _WAIT.isdisjoint(said) and all(
        word in _WAIT or word in _WAITING_WORDS or word in _AROUND for word in said
    )


def _single_letters(word: str) -> str:
    """'halooo' → 'halo', 'pakk' → 'pak': a letter held down is one letter."""
    return "".join(letter for n, letter in enumerate(word) if n == 0 or letter != word[n - 1])


_SALUTATIONS = frozenset(
    " ".join(_single_letters(word) for word in phrase.split()) for phrase in SALUTATIONS
)
_AROUND = _SALUTATIONS | PARTICLES
_WAIT = frozenset(_single_letters(word) for word in WAIT)
_WAITING_WORDS = frozenset(_single_letters(word) for word in WAITING_WORDS)


@dataclass(frozen=True)
class NluRules:
    """Thresholds from config.yml (nlu.*)."""

    confidence_threshold: float
    emergency_threshold: float
    # Inside a dialog the answers describe crimes ("he had a knife"): danger now breaks in from
    # this confidence.
    dialog_emergency_threshold: float


def handler_for_classification(
    classification: Classification, handler: str, rules: NluRules
) -> str:
    """The handler for a classified message; unsure classifications ask the citizen."""
    if classification.urgent and classification.confidence >= rules.emergency_threshold:
        return handler
    if classification.confidence < rules.confidence_threshold:
        return CLARIFY
    return handler
