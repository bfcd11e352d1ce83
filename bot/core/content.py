"""Citizen-facing text (loaded from data/ by the app) and the intent table."""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from bot.core.aspects import AspectWords
from bot.core.errors import ContentError, InvalidInput
from bot.core.evacuation import EvacuationPoint
from bot.core.types import Category, Classification, IntentScore, IntentSpec, Parse
from bot.core.words import undoubled_words

DEFAULT_LANGUAGE = "id"


def in_language(variants: Mapping[str, str], language: str) -> str:
    """The text in `language`, else in the default language."""
    return variants.get(language) or variants[DEFAULT_LANGUAGE]


def language_variants(texts: Mapping[str, str], what: str) -> dict[str, str]:
    """The non-empty texts of an admin's message by language; raises InvalidInput without the
    default language's."""
    variants = {language: text.strip() for language, text in texts.items() if text.strip()}
    if DEFAULT_LANGUAGE not in variants:
        raise InvalidInput(f"{what} needs its text in '{DEFAULT_LANGUAGE}'")
    return variants


# What a citizen may want to do after an FAQ answer (its `action`): a button's text and command.
FAQ_ACTIONS: Mapping[str, tuple[str, str]] = {
    "report": ("button.report", "/lapor"),
    "feedback": ("button.feedback", "/saran"),
}


def missing_figures(short: str, full: str) -> set[str]:
    """The figures (a fee, an age, a number of days) a short answer states that its full
    answer lacks: the two drift apart when a fee changes in one and not the other."""
    return set(_FIGURE.findall(short)) - set(_FIGURE.findall(full))


_FIGURE = re.compile(r"\d+")


@dataclass(frozen=True)
class FaqAnswer:
    topic: str
    title: Mapping[str, str]
    answer: Mapping[str, str]
    # Short answers to one part of the topic (see AspectWords), by aspect, then by language.
    aspects: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    action: str | None = None  # a key of FAQ_ACTIONS: "how do I report…" offers /lapor
    # Words that name the service itself, in any language ("skck", "police clearance").
    names: tuple[str, ...] = ()

    def focused(self, asked: AbstractSet[str], language: str) -> str | None:
        """The short answers to the aspects a question asked about, in the topic's order
        (one the topic has none for is left out: its full answer does not tell it either);
        None when the topic has a short answer to none of them."""
        parts = [
            in_language(texts, language).strip()
            for aspect, texts in self.aspects.items()
            if aspect in asked
        ]
        return "\n\n".join(parts) if parts else None


class Texts:
    """Bot phrases per language, keyed by dotted names such as `report.ask_where`."""

    def __init__(self, by_language: Mapping[str, Mapping[str, str]]) -> None:
        if DEFAULT_LANGUAGE not in by_language:
            raise ContentError(f"texts for the default language '{DEFAULT_LANGUAGE}' are missing")
        self._by_language = by_language

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._by_language)

    def get(self, language: str, key: str, **values: object) -> str:
        table = self._by_language.get(language, self._by_language[DEFAULT_LANGUAGE])
        template = table.get(key) or self._by_language[DEFAULT_LANGUAGE].get(key)
        if template is None:
            raise ContentError(f"text '{key}' is missing for language '{language}'")
        return template.format(**values) if values else template


@dataclass(frozen=True)
class Campaign:
    """An education campaign (data/campaigns/): a title and tips, in every language."""

    key: str
    title: Mapping[str, str]
    tips: tuple[Mapping[str, str], ...]


@dataclass(frozen=True)
class Content:
    texts: Texts
    faq: Mapping[str, FaqAnswer]
    evacuation_points: tuple[EvacuationPoint, ...] = ()
    campaigns: Mapping[str, Campaign] = field(default_factory=dict)
    aspect_words: AspectWords = field(default_factory=lambda: AspectWords({}))

    def faq_answer(self, topic: str, language: str) -> str:
        return in_language(self.faq[topic].answer, language)

    def topic_named(self, text: str) -> str | None:
        """The one FAQ topic whose names (FaqAnswer.names) the text says as whole words
        ("can i pay traffic fine online?" → tilang); None for none or several."""
        said = f" {' '.join(undoubled_words(text))} "
        named = {
            topic
            for topic, answer in self.faq.items()
            if any(f" {name} " in said for name in answer.names)
        }
        return named.pop() if len(named) == 1 else None


class IntentTable:
    """Maps NLU intents to category, FAQ topic, urgency and handler (data/intents.yml)."""

    def __init__(self, specs: Mapping[str, IntentSpec], fallback_intent: str) -> None:
        if fallback_intent not in specs:
            raise ContentError(f"fallback intent '{fallback_intent}' is not in the intent table")
        self.specs = specs
        self.fallback_intent = fallback_intent

    def spec(self, intent: str) -> IntentSpec:
        return self.specs.get(intent) or self.specs[self.fallback_intent]

    def classify(self, text: str, parse: Parse) -> Classification:
        spec = self.spec(parse.intent)
        return Classification(
            text=text,
            intent=spec.name,
            confidence=parse.confidence,
            category=spec.category,
            faq_topic=spec.faq_topic,
            urgent=spec.urgent,
            ranking=parse.ranking,
            model_version=parse.model_version,
        )

    def topic_handler(self, topic: str) -> str | None:
        """The handler of the intent whose FAQ topic this is."""
        return next((s.handler for s in self.specs.values() if s.faq_topic == topic), None)

    def best_in_category(
        self, ranking: tuple[IntentScore, ...], category: Category
    ) -> IntentSpec | None:
        """The highest-ranked intent of a category the citizen chose, if any was ranked."""
        for score in ranking:
            spec = self.specs.get(score.name)
            if spec is not None and spec.category is category and not spec.urgent:
                return spec
        return None
