"""Held-out evaluation: train on part of the project's data, classify the rest, report."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path

from bot.core.content import IntentTable
from bot.core.types import Parse
from bot.nlu.client import RasaClient
from bot.nlu.dataset import Example, split_examples, write_nlu_yaml
from bot.nlu.metrics import Report, compute_metrics, plot_confusion
from bot.nlu.server import ManagedRasaServer
from bot.nlu.training import data_fingerprint, train

__all__ = [
    "Report",
    "compute_metrics",
    "evaluate",
    "plot_confusion",
    "predict",
    "split_examples",
    "write_nlu_yaml",
]


async def predict(
    client: RasaClient, examples: Sequence[Example], concurrency: int = 8
) -> list[Parse]:
    """Classify examples concurrently, at most `concurrency` requests in flight, in order.

    The first failure (e.g. NluUnavailable) cancels the rest and is raised as is.
    """
    slots = asyncio.Semaphore(concurrency)

    async def one(example: Example) -> Parse:
        async with slots:
            return await client.parse(example.text)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(example)) for example in examples]
    except ExceptionGroup as failures:
        raise failures.exceptions[0] from None
    return [task.result() for task in tasks]


async def evaluate(
    project_dir: Path,
    reports_dir: Path,
    rasa_executable: Path | str,
    intents: IntentTable,
    test_share: float = 0.2,
    concurrency: int = 8,
    force: bool = False,
) -> Report:
    """Train on the train split, classify the test split through a served model, write reports.

    Writes reports_dir/{split/train.yml, split/test.yml, models/, evaluation.json,
    confusion_matrix.png}. The model is named by the data fingerprint and split share,
    so an unchanged project is not trained again unless `force`.
    """
    train_split, test_split = await asyncio.to_thread(split_examples, project_dir, test_share)
    train_path = reports_dir / "split" / "train.yml"
    await asyncio.to_thread(write_nlu_yaml, train_split, train_path)
    await asyncio.to_thread(write_nlu_yaml, test_split, reports_dir / "split" / "test.yml")
    fingerprint = await asyncio.to_thread(data_fingerprint, project_dir)
    model = await train(
        project_dir,
        reports_dir / "models",
        rasa_executable,
        force=force,
        log_path=reports_dir / "train.log",
        nlu_path=train_path,
        fixed_name=f"eval-{fingerprint}-{round(test_share * 100)}",
    )
    server = ManagedRasaServer(rasa_executable, model, reports_dir / "rasa-server.log")
    async with server, RasaClient(server.url) as client:
        parses = await predict(client, test_split, concurrency)

    pairs = [
        (example.intent, parse.intent) for example, parse in zip(test_split, parses, strict=True)
    ]
    report = compute_metrics(pairs, intents)
    misclassified = [
        {
            "text": e.text,
            "gold": e.intent,
            "predicted": p.intent,
            "confidence": round(p.confidence, 4),
        }
        for e, p in zip(test_split, parses, strict=True)
        if e.intent != p.intent
    ]
    document = {"model": model.name, **report.as_json(), "misclassified": misclassified}
    labels = sorted(intents.specs, key=lambda name: (intents.specs[name].category, name))
    await asyncio.to_thread(
        (reports_dir / "evaluation.json").write_text,
        json.dumps(document, ensure_ascii=False, indent=2) + "\n",
        "utf-8",
    )
    await asyncio.to_thread(plot_confusion, pairs, labels, reports_dir / "confusion_matrix.png")
    return report
