"""Classification quality on an independent, hand-labelled set the model never trained on.

tests/data/nlu_holdout.yml was written separately from rasa_project/data (see docs/NLU_LABELS.md
for the labels). The real Rasa server classifies it through the app's path.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from pathlib import Path
from typing import TypedDict

import pytest
import yaml

from bot.content import load_intents
from bot.core.pipeline import Classifier
from bot.core.types import Classification
from bot.nlu.client import RasaClient
from bot.nlu.dataset import read_examples

ROOT = Path(__file__).resolve().parents[2]
CATEGORIES = ("question", "crime_report", "feedback", "other")

pytestmark = pytest.mark.rasa


class HoldoutRow(TypedDict):
    """One hand-labelled message of tests/data/nlu_holdout.yml."""

    text: str
    category: str
    faq_topic: str | None
    urgent: bool


Predictions = list[tuple[HoldoutRow, Classification]]


def normalised(text: str) -> str:
    return " ".join(re.sub(r"\W+", " ", text.lower()).split())


@pytest.fixture(scope="module")
async def predictions(rasa_url: str) -> Predictions:
    """Holdout messages that also occur in the training data (e.g. "halo") are left out."""
    trained = {normalised(example.text) for example in read_examples(ROOT / "rasa_project")}
    rows: list[HoldoutRow] = yaml.safe_load(
        (ROOT / "tests" / "data" / "nlu_holdout.yml").read_text()
    )
    holdout = [row for row in rows if normalised(row["text"]) not in trained]
    assert len(holdout) >= 300
    async with RasaClient(rasa_url) as client:
        classifier = Classifier(client, load_intents(ROOT / "data"))
        results = await asyncio.gather(*(classifier.classify(row["text"]) for row in holdout))
    return list(zip(holdout, results, strict=True))


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    scores = []
    for label in CATEGORIES:
        tp = sum(g == p == label for g, p in pairs)
        fp = sum(p == label != g for g, p in pairs)
        fn = sum(g == label != p for g, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def test_category_macro_f1(predictions: Predictions) -> None:
    pairs = [(row["category"], got.category.value) for row, got in predictions]
    confusions = Counter((g, p) for g, p in pairs if g != p)
    assert macro_f1(pairs) >= 0.85, confusions.most_common(8)


def test_faq_topic_accuracy_on_questions(predictions: Predictions) -> None:
    questions = [(row, got) for row, got in predictions if row["category"] == "question"]
    wrong = [
        (row["text"], row["faq_topic"], got.faq_topic)
        for row, got in questions
        if row["faq_topic"] != got.faq_topic
    ]
    accuracy = 1 - len(wrong) / len(questions)
    assert accuracy >= 0.80, wrong[:10]


def test_urgent_recall_and_precision(predictions: Predictions) -> None:
    gold = [got.urgent for row, got in predictions if row["urgent"]]
    flagged = [row["urgent"] for row, got in predictions if got.urgent]
    assert sum(gold) / len(gold) >= 0.85
    assert sum(flagged) / len(flagged) >= 0.75
