"""The independent holdout set (tests/data/nlu_holdout.yml, hand-labelled, never trained on):
its rows and the figures a model earns on them. The NLU quality tests assert them; the seed
benchmark (bench/nlu_seeds.py) prints them for several trainings of the same data."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import yaml

from bot.core.types import Classification
from bot.nlu.dataset import read_examples
from bot.nlu.metrics import label_scores

CATEGORIES = ("question", "crime_report", "feedback", "other")


class HoldoutRow(TypedDict):
    """One hand-labelled message."""

    text: str
    category: str
    faq_topic: str | None
    urgent: bool


Predictions = Sequence[tuple[HoldoutRow, Classification]]


@dataclass(frozen=True)
class HoldoutFigures:
    category_macro_f1: float
    topic_accuracy: float  # FAQ topic right, on the questions
    urgent_found: int  # urgent rows the model flags
    urgent_rows: int
    flagged: int  # rows the model flags urgent

    def line(self) -> str:
        return (
            f"category macro-F1 {self.category_macro_f1:.3f}, topic accuracy "
            f"{self.topic_accuracy:.3f}, urgent recall {self.urgent_found}/{self.urgent_rows}, "
            f"precision {self.urgent_found}/{self.flagged}"
        )


def load_holdout(path: Path, project_dir: Path) -> list[HoldoutRow]:
    """The rows of `path` whose text does not occur in the training data (e.g. "halo")."""
    trained = {normalised(example.text) for example in read_examples(project_dir)}
    rows: list[HoldoutRow] = yaml.safe_load(path.read_text())
    return [row for row in rows if normalised(row["text"]) not in trained]


def normalised(text: str) -> str:
    return " ".join(re.sub(r"\W+", " ", text.lower()).split())


def holdout_figures(predictions: Predictions) -> HoldoutFigures:
    questions = [(row, got) for row, got in predictions if row["category"] == "question"]
    right_topics = sum(row["faq_topic"] == got.faq_topic for row, got in questions)
    return HoldoutFigures(
        category_macro_f1=category_macro_f1(
            [(row["category"], got.category.value) for row, got in predictions]
        ),
        topic_accuracy=right_topics / len(questions) if questions else 0.0,
        urgent_found=sum(row["urgent"] and got.urgent for row, got in predictions),
        urgent_rows=sum(row["urgent"] for row, _ in predictions),
        flagged=sum(got.urgent for _, got in predictions),
    )


def category_macro_f1(pairs: Sequence[tuple[str, str]]) -> float:
    """Macro-F1 over CATEGORIES of (gold, predicted) pairs; a category never seen counts 0."""
    scores = label_scores(pairs)
    return sum(scores[c].f1 if c in scores else 0.0 for c in CATEGORIES) / len(CATEGORIES)
