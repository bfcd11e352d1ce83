import pytest

from bot.core.content import Content, FaqAnswer, IntentTable, Texts
from bot.core.errors import ContentError
from bot.core.types import Category, IntentScore, IntentSpec, Parse

TEXTS = Texts(
    {
        "id": {"greet": "Halo {name}", "only_id": "hanya id", "plain": "polos"},
        "en": {"greet": "Hello {name}", "plain": "plain"},
    }
)


def test_texts_in_the_asked_language() -> None:
    assert TEXTS.get("en", "greet", name="Budi") == "Hello Budi"
    assert TEXTS.get("id", "greet", name="Budi") == "Halo Budi"


def test_texts_fall_back_to_indonesian_for_a_missing_key() -> None:
    assert TEXTS.get("en", "only_id") == "hanya id"


def test_texts_fall_back_to_indonesian_for_an_unknown_language() -> None:
    assert TEXTS.get("fr", "plain") == "polos"


def test_texts_name_a_key_missing_everywhere() -> None:
    with pytest.raises(ContentError, match="nowhere"):
        TEXTS.get("en", "nowhere")


def test_texts_need_the_default_language() -> None:
    with pytest.raises(ContentError, match="'id'"):
        Texts({"en": {"plain": "plain"}})


def test_real_texts_have_every_key_in_both_languages(content: Content) -> None:
    assert set(content.texts.languages) == {"id", "en"}
    assert content.texts.get("en", "cancel.nothing") != content.texts.get("id", "cancel.nothing")


def test_faq_answer_in_the_language_or_indonesian(content: Content) -> None:
    english = content.faq_answer("skck", "en")
    indonesian = content.faq_answer("skck", "id")
    assert "Usual requirements" in english
    assert "Persyaratan umum" in indonesian
    assert content.faq_answer("skck", "fr") == indonesian


def test_faq_answer_falls_back_when_a_language_is_missing() -> None:
    content = Content(texts=TEXTS, faq={"x": FaqAnswer("x", {"id": "X"}, {"id": "jawaban"})})
    assert content.faq_answer("x", "en") == "jawaban"


def test_real_intent_table_maps_intents(intents: IntentTable) -> None:
    skck = intents.spec("faq_skck")
    assert (skck.category, skck.faq_topic, skck.handler, skck.urgent) == (
        Category.QUESTION,
        "skck",
        "faq",
        False,
    )
    emergency = intents.spec("emergency")
    assert (emergency.category, emergency.urgent, emergency.handler) == (
        Category.CRIME_REPORT,
        True,
        "emergency",
    )


def test_unknown_intent_is_the_fallback_intent(intents: IntentTable) -> None:
    assert intents.spec("no_such_intent") == intents.spec(intents.fallback_intent)
    classification = intents.classify("bla", Parse("no_such_intent", 0.8))
    assert classification.intent == intents.fallback_intent == "smalltalk"
    assert classification.category is Category.OTHER


def test_classify_carries_the_parse(intents: IntentTable) -> None:
    ranking = (IntentScore("emergency", 0.7), IntentScore("crime_report", 0.2))
    classification = intents.classify(
        "tolong ada rampok", Parse("emergency", 0.7, ranking, model_version="m1")
    )
    assert classification.text == "tolong ada rampok"
    assert classification.urgent
    assert classification.category is Category.CRIME_REPORT
    assert classification.faq_topic is None
    assert classification.ranking == ranking
    assert classification.model_version == "m1"
    assert classification.as_json() == {
        "text": "tolong ada rampok",
        "intent": "emergency",
        "confidence": 0.7,
        "category": "crime_report",
        "faq_topic": None,
        "urgent": True,
    }


def test_intent_table_needs_its_fallback_intent() -> None:
    spec = IntentSpec("greet", Category.OTHER, "smalltalk")
    with pytest.raises(ContentError, match="missing_one"):
        IntentTable({"greet": spec}, fallback_intent="missing_one")


RANKING = (
    IntentScore("emergency", 0.40),
    IntentScore("unknown_intent", 0.25),
    IntentScore("crime_report", 0.15),
    IntentScore("faq_sim", 0.10),
    IntentScore("faq_skck", 0.05),
)


def test_best_in_category_is_the_highest_ranked_non_urgent_intent(intents: IntentTable) -> None:
    assert intents.best_in_category(RANKING, Category.CRIME_REPORT) == intents.spec("crime_report")
    best_question = intents.best_in_category(RANKING, Category.QUESTION)
    assert best_question is not None
    assert best_question.name == "faq_sim"


def test_best_in_category_none_when_the_category_was_not_ranked(intents: IntentTable) -> None:
    assert intents.best_in_category(RANKING, Category.FEEDBACK) is None
    assert intents.best_in_category((), Category.QUESTION) is None


def test_best_in_category_never_picks_an_urgent_intent(intents: IntentTable) -> None:
    only_emergency = (IntentScore("emergency", 0.9),)
    assert intents.best_in_category(only_emergency, Category.CRIME_REPORT) is None
