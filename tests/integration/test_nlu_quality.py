"""Classification quality on an independent, hand-labelled set the model never trained on.

tests/data/nlu_holdout.yml was written separately from rasa_project/data (see docs/NLU_LABELS.md
for the labels). The real Rasa server classifies it through the app's path.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from bot.content import load_intents
from bot.core.pipeline import Classifier
from bot.nlu.client import RasaClient
from bot.nlu.holdout import Predictions, holdout_figures, load_holdout

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.rasa


@pytest.fixture(scope="module")
async def predictions(rasa_url: str) -> Predictions:
    """Holdout messages that also occur in the training data (e.g. "halo") are left out."""
    holdout = load_holdout(ROOT / "tests" / "data" / "nlu_holdout.yml", ROOT / "rasa_project")
    assert len(holdout) >= 300
    async with RasaClient(rasa_url) as client:
        classifier = Classifier(client, load_intents(ROOT / "data"))
        results = await asyncio.gather(*(classifier.classify(row["text"]) for row in holdout))
    return list(zip(holdout, results, strict=True))


def test_category_macro_f1(predictions: Predictions) -> None:
    confusions = Counter(
        (row["category"], got.category.value)
        for row, got in predictions
        if row["category"] != got.category.value
    )
    assert holdout_figures(predictions).category_macro_f1 >= 0.85, confusions.most_common(8)


def test_faq_topic_accuracy_on_questions(predictions: Predictions) -> None:
    wrong = [
        (row["text"], row["faq_topic"], got.faq_topic)
        for row, got in predictions
        if row["category"] == "question" and row["faq_topic"] != got.faq_topic
    ]
    assert holdout_figures(predictions).topic_accuracy >= 0.80, wrong[:10]


def test_urgent_recall_and_precision(predictions: Predictions) -> None:
    figures = holdout_figures(predictions)
    assert figures.urgent_found / figures.urgent_rows >= 0.85, figures.line()
    assert figures.urgent_found / figures.flagged >= 0.75, figures.line()
