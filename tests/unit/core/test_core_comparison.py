"""compare(): a candidate's evaluation against the active model's, and when to refuse it."""

from __future__ import annotations

from typing import Any

from bot.core.comparison import compare

TOLERANCE = {"category_macro_f1": 0.02, "urgent_recall": 0.0}


def evaluation(
    *, split: str = "s1", f1: float = 0.9, urgent: float = 1.0, predictions: list[list[str]]
) -> dict[str, Any]:
    return {
        "split": split,
        "examples": len(predictions),
        "intent_accuracy": 0.8,
        "category_macro_f1": f1,
        "faq_topic_accuracy": 0.9,
        "urgent_recall": urgent,
        "urgent_precision": 1.0,
        "per_intent": {
            "faq_skck": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2},
            "emergency": {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 2},
        },
        "predictions": predictions,
    }


OLD = [["skck dong", "faq_skck", "faq_skck"], ["tolong", "emergency", "greet"]]
NEW = [["skck dong", "faq_skck", "faq_skck"], ["tolong", "emergency", "emergency"]]


def test_a_better_candidate_may_be_activated_and_its_changes_are_listed() -> None:
    result = compare(
        evaluation(f1=0.92, predictions=NEW), evaluation(f1=0.9, predictions=OLD), TOLERANCE
    )
    assert result.refusals == []
    assert ("category_macro_f1", 0.9, 0.92) in result.summary
    [change] = result.changed
    assert (change.text, change.gold, change.active, change.candidate) == (
        "tolong",
        "emergency",
        "greet",
        "emergency",
    )
    assert "may be activated" in result.as_text()
    assert "'tolong': greet → emergency" in result.as_text()


def test_a_drop_within_the_tolerance_is_allowed() -> None:
    result = compare(
        evaluation(f1=0.89, predictions=NEW), evaluation(f1=0.9, predictions=OLD), TOLERANCE
    )
    assert result.refusals == []


def test_drops_beyond_the_tolerance_are_refused_with_reasons() -> None:
    result = compare(
        evaluation(f1=0.85, urgent=0.9, predictions=NEW),
        evaluation(f1=0.9, urgent=1.0, predictions=OLD),
        TOLERANCE,
    )
    assert [r.split(" drops")[0] for r in result.refusals] == [
        "category_macro_f1",
        "urgent_recall",
    ]
    assert "verdict: category_macro_f1 drops by 0.050" in result.as_text()


def test_without_an_active_model_there_is_nothing_to_lose() -> None:
    result = compare(evaluation(f1=0.1, predictions=NEW), None, TOLERANCE)
    assert result.refusals == []
    assert result.changed == []
    assert ("category_macro_f1", None, 0.1) in result.summary


def test_an_evaluation_on_other_examples_is_no_baseline() -> None:
    result = compare(
        evaluation(predictions=NEW), evaluation(split="other", predictions=OLD), TOLERANCE
    )
    assert result.refusals == [
        "the active model was evaluated on other examples: evaluate it again"
    ]
