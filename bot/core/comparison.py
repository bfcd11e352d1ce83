"""Comparing a candidate model's evaluation with the active model's, on the same examples.

Evaluations are the JSON documents bot/nlu/evaluation.py writes: the split's id, summary
metrics, per-intent scores and every (text, gold, predicted) triple.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The metrics a candidate must not lose (more than the configured tolerance) to be activated.
GUARDED = ("category_macro_f1", "urgent_recall")
SUMMARY = (
    "intent_accuracy",
    "category_macro_f1",
    "faq_topic_accuracy",
    "urgent_recall",
    "urgent_precision",
)


@dataclass(frozen=True)
class Change:
    text: str
    gold: str
    active: str
    candidate: str


@dataclass(frozen=True)
class Comparison:
    """A candidate's metrics beside the active model's on the same held-out examples."""

    summary: Sequence[tuple[str, float | None, float]]  # (metric, active, candidate)
    per_intent: Sequence[tuple[str, float | None, float, int]]  # (intent, active F1, F1, n)
    changed: Sequence[Change]  # examples whose prediction differs
    refusals: Sequence[str]  # why activation would be refused; empty when it may go ahead

    def as_text(self) -> str:
        lines = [f"{'metric':<20} {'active':>8} {'candidate':>10} {'change':>8}"]
        for name, old, new in self.summary:
            lines.append(f"{name:<20} {_cell(old):>8} {new:>10.3f} {_delta(old, new):>8}")
        width = max([len("intent"), *(len(row[0]) for row in self.per_intent)])
        lines += ["", f"{'intent':<{width}} {'active F1':>9} {'F1':>6} {'support':>7}"]
        for intent, old, new, support in self.per_intent:
            lines.append(f"{intent:<{width}} {_cell(old):>9} {new:>6.3f} {support:>7}")
        lines += ["", f"predictions changed: {len(self.changed)}"]
        lines += [f"  {c.text!r}: {c.active} → {c.candidate} (gold {c.gold})" for c in self.changed]
        verdict = "; ".join(self.refusals) if self.refusals else "may be activated"
        return "\n".join([*lines, "", f"verdict: {verdict}"])


def compare(
    candidate: Mapping[str, Any], active: Mapping[str, Any] | None, tolerance: Mapping[str, float]
) -> Comparison:
    """Compare two evaluations; without an active one (or on another split) there is nothing
    to lose, but an active evaluation on another split is no baseline and says so."""
    baseline = active if active is not None and active["split"] == candidate["split"] else None
    refusals = []
    if active is not None and baseline is None:
        refusals.append("the active model was evaluated on other examples: evaluate it again")
    summary = [(name, _get(baseline, name), float(candidate[name])) for name in SUMMARY]
    for name in GUARDED:
        old = _get(baseline, name)
        drop = old - float(candidate[name]) if old is not None else 0.0
        if drop > tolerance.get(name, 0.0) + 1e-9:
            refusals.append(
                f"{name} drops by {drop:.3f} (tolerance {tolerance.get(name, 0.0):.3f})"
            )
    old_f1 = {k: v["f1"] for k, v in (baseline or {}).get("per_intent", {}).items()}
    per_intent = [
        (intent, old_f1.get(intent), float(scores["f1"]), int(scores["support"]))
        for intent, scores in candidate["per_intent"].items()
    ]
    before = {text: predicted for text, _, predicted in (baseline or {}).get("predictions", [])}
    changed = [
        Change(text, gold, before[text], predicted)
        for text, gold, predicted in candidate["predictions"]
        if text in before and before[text] != predicted
    ]
    return Comparison(summary, per_intent, changed, refusals)


def _get(metrics: Mapping[str, Any] | None, name: str) -> float | None:
    return None if metrics is None else float(metrics[name])


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _delta(old: float | None, new: float) -> str:
    return "" if old is None else f"{new - old:+.3f}"
