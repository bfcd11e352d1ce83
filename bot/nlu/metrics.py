"""Classification metrics from (gold intent, predicted intent) pairs, and a confusion plot."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.core.content import IntentTable
from bot.core.types import Category

Pair = tuple[str, str]  # (gold intent, predicted intent)
L = TypeVar("L", bound=Hashable)


@dataclass(frozen=True)
class LabelScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    """How well predictions match gold labels; a ratio with nothing to divide by is 0."""

    examples: int
    intent_accuracy: float
    per_intent: Mapping[str, LabelScores]
    category_macro_f1: float
    faq_topic_accuracy: float
    urgent_recall: float
    urgent_precision: float

    def as_json(self) -> dict[str, Any]:
        summary = {
            "examples": self.examples,
            "intent_accuracy": self.intent_accuracy,
            "category_macro_f1": self.category_macro_f1,
            "faq_topic_accuracy": self.faq_topic_accuracy,
            "urgent_recall": self.urgent_recall,
            "urgent_precision": self.urgent_precision,
        }
        return {
            **{key: _rounded(value) for key, value in summary.items()},
            "per_intent": {
                name: {key: _rounded(value) for key, value in asdict(scores).items()}
                for name, scores in self.per_intent.items()
            },
        }

    def as_text(self) -> str:
        width = max([len("intent"), *map(len, self.per_intent)])
        rows = [f"{'intent':<{width}}  precision  recall     f1  support"]
        rows += [
            f"{name:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.support:7d}"
            for name, s in self.per_intent.items()
        ]
        rows += [
            "",
            f"examples            {self.examples}",
            f"intent accuracy     {self.intent_accuracy:.3f}",
            f"category macro-F1   {self.category_macro_f1:.3f}",
            f"faq topic accuracy  {self.faq_topic_accuracy:.3f}",
            f"urgent recall       {self.urgent_recall:.3f}",
            f"urgent precision    {self.urgent_precision:.3f}",
        ]
        return "\n".join(rows)


def compute_metrics(pairs: Sequence[Pair], intents: IntentTable) -> Report:
    """Intent and derived-label metrics; unknown intents count as the fallback intent's labels."""
    specs = [(intents.spec(gold), intents.spec(predicted)) for gold, predicted in pairs]
    questions = [(g, p) for g, p in specs if g.category is Category.QUESTION]
    gold_urgent = sum(g.urgent for g, _ in specs)
    predicted_urgent = sum(p.urgent for _, p in specs)
    both_urgent = sum(g.urgent and p.urgent for g, p in specs)
    category_scores = label_scores([(g.category, p.category) for g, p in specs])
    return Report(
        examples=len(pairs),
        intent_accuracy=_ratio(sum(g == p for g, p in pairs), len(pairs)),
        per_intent=label_scores(pairs),
        category_macro_f1=_ratio(sum(s.f1 for s in category_scores.values()), len(category_scores)),
        faq_topic_accuracy=_ratio(
            sum(g.faq_topic == p.faq_topic for g, p in questions), len(questions)
        ),
        urgent_recall=_ratio(both_urgent, gold_urgent),
        urgent_precision=_ratio(both_urgent, predicted_urgent),
    )


def label_scores(pairs: Iterable[tuple[L, L]]) -> dict[L, LabelScores]:
    """Precision, recall, F1 and support per label seen in gold or predicted, sorted by label."""
    gold: Counter[L] = Counter()
    predicted: Counter[L] = Counter()
    correct: Counter[L] = Counter()
    for g, p in pairs:
        gold[g] += 1
        predicted[p] += 1
        correct[g] += g == p
    scores = {}
    for label in sorted(gold.keys() | predicted.keys(), key=str):
        precision = _ratio(correct[label], predicted[label])
        recall = _ratio(correct[label], gold[label])
        f1 = _ratio(2 * precision * recall, precision + recall)
        scores[label] = LabelScores(precision, recall, f1, gold[label])
    return scores


def plot_confusion(pairs: Sequence[Pair], labels: Sequence[str], path: Path) -> None:
    """Write a PNG confusion matrix: gold intents as rows, predictions as columns."""
    seen = {label for pair in pairs for label in pair}
    order = [*labels, *sorted(seen - set(labels))]
    index = {label: i for i, label in enumerate(order)}
    counts = [[0] * len(order) for _ in order]
    for gold, predicted in pairs:
        counts[index[gold]][index[predicted]] += 1

    size = max(6.0, 0.45 * len(order) + 3)
    figure = Figure(figsize=(size, size), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    axes.imshow(counts, cmap="Blues")
    ticks = range(len(order))
    axes.set_xticks(ticks, order, rotation=90, fontsize=8)
    axes.set_yticks(ticks, order, fontsize=8)
    axes.set_xlabel("predicted intent")
    axes.set_ylabel("gold intent")
    axes.set_title(f"Intent confusion ({len(pairs)} test examples)")
    peak = max((max(row) for row in counts), default=0)
    for row, values in enumerate(counts):
        for column, count in enumerate(values):
            if count:
                colour = "white" if count > peak / 2 else "black"
                axes.text(
                    column, row, str(count), ha="center", va="center", fontsize=7, color=colour
                )
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _rounded(value: float) -> float:
    return round(value, 4) if isinstance(value, float) else value
