"""rasa_project/domain.yml, data/intents.yml, the handler registry and data/faq must agree."""

from pathlib import Path
from typing import Any

import yaml

from bot.content import load_content, load_emergency_keywords, load_intents
from bot.core.content import missing_figures
from bot.core.missing import PROCEDURE_TOPIC
from bot.core.types import Category
from handlers import HANDLERS

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("id", "en")


def domain_intents() -> set[str]:
    return set(yaml.safe_load((ROOT / "rasa_project" / "domain.yml").read_text())["intents"])


def trained_intents() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "rasa_project" / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if "intent" in block:
                names.add(block["intent"])
    return names


def test_every_domain_intent_is_in_the_intent_table_and_back() -> None:
    assert domain_intents() == set(load_intents(ROOT / "data").specs)


def test_every_trained_intent_is_in_the_domain() -> None:
    assert trained_intents() == domain_intents()


def test_every_intent_has_a_registered_handler() -> None:
    table = load_intents(ROOT / "data")
    missing = {
        name: spec.handler for name, spec in table.specs.items() if spec.handler not in HANDLERS
    }
    assert missing == {}


def test_every_faq_topic_has_an_answer_in_every_language() -> None:
    table = load_intents(ROOT / "data")
    content = load_content(ROOT / "data", LANGUAGES)
    topics = {spec.faq_topic for spec in table.specs.values() if spec.faq_topic}
    assert topics == set(content.faq)
    for topic in topics:
        for language in LANGUAGES:
            assert content.faq_answer(topic, language).strip(), (topic, language)
            assert len(content.faq_answer(topic, language)) < 4096  # one chat message


def test_a_short_answer_states_no_figure_its_full_answer_lacks() -> None:
    """An aspect's text repeats facts of the full answer (a fee, a validity, an age): when a
    figure changes in one and not the other, this fails."""
    content = load_content(ROOT / "data", LANGUAGES)
    with_aspects = [faq for faq in content.faq.values() if faq.aspects]
    assert len(with_aspects) >= 5
    for faq in with_aspects:
        for aspect, texts in faq.aspects.items():
            for language in LANGUAGES:
                missing = missing_figures(texts[language], faq.answer[language])
                assert not missing, (faq.topic, aspect, language, missing)


def test_faq_topics_belong_to_questions_and_urgency_to_crime_reports() -> None:
    for spec in load_intents(ROOT / "data").specs.values():
        if spec.faq_topic:
            assert spec.category is Category.QUESTION, spec.name
        if spec.urgent:
            assert spec.category is Category.CRIME_REPORT, spec.name


def test_message_catalogues_have_the_same_keys_in_every_language() -> None:
    texts = {
        lang: yaml.safe_load((ROOT / "data" / "messages" / f"{lang}.yml").read_text())
        for lang in LANGUAGES
    }

    def keys(tree: dict[str, Any], prefix: str = "") -> set[str]:
        found: set[str] = set()
        for key, value in tree.items():
            found |= keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
        return found

    assert keys(texts["id"]) == keys(texts["en"])


def test_no_line_of_a_text_ends_in_a_space() -> None:
    """A space at a line's end in a YAML block is part of the text the citizen is sent."""
    for path in sorted((ROOT / "data").rglob("*.yml")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            assert line == line.rstrip(), f"{path.relative_to(ROOT)}:{number}"


# Texts shown as buttons: WhatsApp cuts a reply button's title at 20 characters.
BUTTON_TEXTS = {
    "clarify": ("question", "report", "feedback"),
    "education": ("more", "other", "subscribe"),
    "unsubscribe": ("all_button",),
}


def test_button_titles_fit_a_whatsapp_reply_button() -> None:
    for language in LANGUAGES:
        texts = yaml.safe_load((ROOT / "data" / "messages" / f"{language}.yml").read_text())
        titles = dict(texts["button"]) | {
            f"{group}.{key}": texts[group][key]
            for group, keys in BUTTON_TEXTS.items()
            for key in keys
        }
        for key, title in titles.items():
            assert len(title) <= 20, (language, key, title)


def test_the_emergency_safety_net_names_an_urgent_intent_with_its_handler() -> None:
    intents = load_intents(ROOT / "data")
    net = load_emergency_keywords(ROOT / "data", intents)
    assert net.emergency.urgent
    assert net.emergency.handler in HANDLERS
    assert net.match("ada perampok di rumah saya") is not None


def test_the_missing_person_procedure_is_an_faq_topic() -> None:
    """Pipeline's missing-person rule leaves this topic's answer as it is (bot/core/missing.py)."""
    topics = {spec.faq_topic for spec in load_intents(ROOT / "data").specs.values()}
    assert PROCEDURE_TOPIC in topics
    assert PROCEDURE_TOPIC in load_content(ROOT / "data", LANGUAGES).faq
