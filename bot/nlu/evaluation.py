"""Model versions are trained on the train part of the project's held-out split, judged on its
test part, and compared with the active model on the same examples."""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.core.content import IntentTable
from bot.core.types import Parse
from bot.nlu.client import RasaClient
from bot.nlu.dataset import Example, split_examples, write_nlu_yaml
from bot.nlu.metrics import compute_metrics, plot_confusion
from bot.nlu.server import ManagedRasaServer
from bot.nlu.training import train

TEST_SHARE = 0.2
CONFUSION_PNG = "confusion_matrix.png"


async def train_model(
    project_dir: Path,
    models_dir: Path,
    rasa_executable: Path | str,
    *,
    force: bool = False,
    log_path: Path | None = None,
) -> Path:
    """Train the model for the project's current data on the split's train part (reused when it
    exists unless `force`); returns its path, models_dir/nlu-<fingerprint>.tar.gz."""
    train_split, _ = await asyncio.to_thread(split_examples, project_dir, TEST_SHARE)
    with tempfile.TemporaryDirectory(prefix="polres-train-") as folder:
        train_path = Path(folder) / "train.yml"
        await asyncio.to_thread(write_nlu_yaml, train_split, train_path)
        return await train(
            project_dir,
            models_dir,
            rasa_executable,
            force=force,
            log_path=log_path,
            nlu_path=train_path,
        )


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


async def evaluate_model(
    model: Path,
    project_dir: Path,
    intents: IntentTable,
    rasa_executable: Path | str,
    out_dir: Path,
    concurrency: int = 8,
) -> dict[str, Any]:
    """Serve `model` on a temporary Rasa server, classify the split's test part and return the
    metrics (JSON-ready, with every prediction); the confusion matrix goes to out_dir."""
    _, test_split = await asyncio.to_thread(split_examples, project_dir, TEST_SHARE)
    await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
    server = ManagedRasaServer(rasa_executable, model, out_dir / "rasa-server.log")
    async with server, RasaClient(server.url) as client:
        parses = await predict(client, test_split, concurrency)
    pairs = [(e.intent, p.intent) for e, p in zip(test_split, parses, strict=True)]
    labels = sorted(intents.specs, key=lambda name: (intents.specs[name].category, name))
    await asyncio.to_thread(plot_confusion, pairs, labels, out_dir / CONFUSION_PNG)
    return {
        "split": split_id(test_split),
        **compute_metrics(pairs, intents).as_json(),
        "predictions": [
            [e.text, e.intent, p.intent] for e, p in zip(test_split, parses, strict=True)
        ],
    }


def split_id(examples: Sequence[Example]) -> str:
    """Names a test split: two evaluations are comparable when their splits match."""
    digest = hashlib.sha256()
    for example in sorted(examples, key=lambda e: (e.intent, e.text)):
        digest.update(f"{example.intent}\0{example.text}\0".encode())
    return digest.hexdigest()[:12]
