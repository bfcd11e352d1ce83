from dataclasses import astuple
from pathlib import Path

import pytest

from bot.core.content import IntentTable
from bot.core.types import Category, IntentSpec
from bot.nlu.metrics import LabelScores, compute_metrics, label_scores, plot_confusion

INTENTS = IntentTable(
    {
        spec.name: spec
        for spec in [
            IntentSpec("faq_skck", Category.QUESTION, "faq", faq_topic="skck"),
            IntentSpec("faq_sim", Category.QUESTION, "faq", faq_topic="sim"),
            IntentSpec("question_other", Category.QUESTION, "fallback"),
            IntentSpec("crime_report", Category.CRIME_REPORT, "crime_report"),
            IntentSpec("emergency", Category.CRIME_REPORT, "emergency", urgent=True),
            IntentSpec("greet", Category.OTHER, "smalltalk"),
        ]
    },
    fallback_intent="question_other",
)

# Worked by hand in the comments of the tests below.
PAIRS = [
    ("faq_skck", "faq_skck"),
    ("faq_skck", "faq_sim"),
    ("faq_sim", "faq_sim"),
    ("question_other", "crime_report"),
    ("emergency", "emergency"),
    ("emergency", "crime_report"),
    ("crime_report", "emergency"),
    ("greet", "greet"),
]


def test_per_intent_scores() -> None:
    report = compute_metrics(PAIRS, INTENTS)

    # (precision, recall, f1, support)
    assert {name: astuple(scores) for name, scores in report.per_intent.items()} == {
        # gold 1, predicted 2 (crime_report twice), correct 0
        "crime_report": (0.0, 0.0, 0.0, 1),
        # gold 2, predicted 2, correct 1
        "emergency": (0.5, 0.5, 0.5, 2),
        # gold 1, predicted 2, correct 1: F1 = 2 * 0.5 * 1 / 1.5
        "faq_sim": pytest.approx((0.5, 1.0, 2 / 3, 1)),
        # gold 2, predicted 1, correct 1
        "faq_skck": pytest.approx((1.0, 0.5, 2 / 3, 2)),
        "greet": (1.0, 1.0, 1.0, 1),
        # never predicted: precision 0 by convention
        "question_other": (0.0, 0.0, 0.0, 1),
    }


def test_summary_metrics() -> None:
    report = compute_metrics(PAIRS, INTENTS)

    assert report.examples == 8
    assert report.intent_accuracy == 0.5  # pairs 1, 3, 5, 8
    # question: P 3/3, R 3/4 → 6/7; crime_report: P 3/4, R 3/3 → 6/7; other: 1
    assert report.category_macro_f1 == pytest.approx((6 / 7 + 6 / 7 + 1) / 3)
    # gold questions 1-4: skck=skck, skck≠sim, sim=sim, None=None
    assert report.faq_topic_accuracy == 0.75
    # gold urgent: pairs 5, 6; predicted urgent: pairs 5, 7
    assert report.urgent_recall == 0.5
    assert report.urgent_precision == 0.5


def test_unknown_prediction_counts_as_fallback_labels() -> None:
    report = compute_metrics([("question_other", "")], INTENTS)

    assert report.intent_accuracy == 0.0
    assert report.category_macro_f1 == 1.0
    assert report.faq_topic_accuracy == 1.0
    assert set(report.per_intent) == {"", "question_other"}


def test_undefined_ratios_are_zero() -> None:
    report = compute_metrics([("greet", "greet")], INTENTS)

    assert report.urgent_recall == 0.0
    assert report.urgent_precision == 0.0
    assert report.faq_topic_accuracy == 0.0
    assert compute_metrics([], INTENTS).intent_accuracy == 0.0


def test_label_scores_work_on_any_labels() -> None:
    scores = label_scores([(Category.QUESTION, Category.OTHER), (Category.OTHER, Category.OTHER)])

    assert astuple(scores[Category.OTHER]) == pytest.approx((0.5, 1.0, 2 / 3, 1))
    assert scores[Category.QUESTION] == LabelScores(0.0, 0.0, 0.0, 1)


def test_report_as_json_and_text() -> None:
    report = compute_metrics(PAIRS, INTENTS)

    document = report.as_json()
    assert document["intent_accuracy"] == 0.5
    assert document["category_macro_f1"] == 0.9048
    assert document["per_intent"]["faq_skck"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
        "support": 2,
    }
    rows = [line.split() for line in report.as_text().splitlines()]
    assert rows[0] == ["intent", "precision", "recall", "f1", "support"]
    assert ["faq_skck", "1.000", "0.500", "0.667", "2"] in rows
    assert ["intent", "accuracy", "0.500"] in rows
    assert ["category", "macro-F1", "0.905"] in rows
    assert ["urgent", "recall", "0.500"] in rows


def test_plot_confusion_writes_png(tmp_path: Path) -> None:
    path = tmp_path / "plots" / "confusion.png"

    plot_confusion([*PAIRS, ("greet", "not_in_labels")], sorted(INTENTS.specs), path)

    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert path.stat().st_size > 10_000
