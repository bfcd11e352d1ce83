"""Which part of a topic a question asks about ("brp biayanya?" → cost), by its words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.core.words import ENDINGS, undoubled_words

# A short question led by these asks of another service what the question before it asked
# ("berapa biaya SKCK?" … "kalau SIM?"): it carries that question's aspects over.
CARRY_OVER_LEADS = tuple(
    tuple(lead.split())
    for lead in (
        "kalau", "kalo", "klo", "kl", "klu", "klw", "gimana kalau", "gmn kalau", "gimana kalo",
        "gmn kalo", "bagaimana kalau", "bagaimana dengan", "gimana dengan", "gmn dengan",
        "terus", "trus", "trs", "lalu", "untuk", "utk", "how about", "what about",
        "and", "and for", "same for",
    )
)  # fmt: skip
CARRY_OVER_WORDS = 4  # at most, leads included: "kalau perpanjang SIM gimana?"


class AspectWords:
    """The aspects a question names (data/aspects.yml): `cost` for "berapa biaya SKCK?",
    `requirements` and `cost` for "syarat dan biaya SIM", none for "cara buat SKCK"."""

    def __init__(self, words: Mapping[str, Iterable[str]]) -> None:
        self.names = frozenset(words)
        # Each phrase under every form of its last word ("biaya", "biayanya"…): the words of a
        # text are looked up once each, however many phrases there are.
        self._by_last_word: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for aspect, phrases in words.items():
            for phrase in phrases:
                *head, last = undoubled_words(phrase)
                for form in (last, *(last + suffix for suffix in ENDINGS)):
                    self._by_last_word.setdefault(form, []).append((aspect, tuple(head)))

    def asked(self, text: str, earlier: Sequence[str] = ()) -> frozenset[str]:
        """The aspects `text` names; a short "what about …?" question naming none ("kalau
        SIM?") asks those of the question it follows. `earlier`: the citizen's previous
        questions, newest first; one that carries over itself passes on what came before."""
        for question in (text, *earlier):
            named = self._named(question)
            if named or not carries_over(question):
                return named
        return frozenset()

    def _named(self, text: str) -> frozenset[str]:
        words = undoubled_words(text)
        return frozenset(
            aspect
            for end, word in enumerate(words)
            for aspect, head in self._by_last_word.get(word, ())
            if len(head) <= end and tuple(words[end - len(head) : end]) == head
        )


def carries_over(text: str) -> bool:
    """Whether a text is a short question led by "kalau", "how about"… (CARRY_OVER_LEADS)."""
    words = undoubled_words(text)
    return len(words) <= CARRY_OVER_WORDS and any(
        tuple(words[: len(lead)]) == lead and len(words) > len(lead) for lead in CARRY_OVER_LEADS
    )
