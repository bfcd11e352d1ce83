"""Retraining: how long a model takes to train on the project's data, and what a model switch
costs the citizens — classification latency during the switch against steady state, measured
in the same run on the same managed Rasa servers.

    .venv/bin/python bench/retrain.py [--concurrency 4] [--skip-training]

Training runs on a copy of the project (the repository's models are not touched). The switch
loads a copy of the current model in a second Rasa server, as `polres serve` does when an admin
activates a version, while requests keep coming.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.nlu_throughput import percentile, texts  # noqa: E402
from bot.core.errors import NluUnavailable  # noqa: E402
from bot.nlu.evaluation import train_model  # noqa: E402
from bot.nlu.switching import SwitchingNlu  # noqa: E402
from bot.settings import load_settings  # noqa: E402

STEADY_SECONDS = 15.0


async def training_seconds(folder: Path) -> float:
    shutil.copytree(
        ROOT / "rasa_project", folder / "rasa_project", ignore=shutil.ignore_patterns("models")
    )
    started = time.monotonic()
    await train_model(
        folder / "rasa_project", folder / "models", ROOT / ".venv-rasa" / "bin" / "rasa"
    )
    return time.monotonic() - started


async def load(
    nlu: SwitchingNlu, inputs: list[str], concurrency: int, until: asyncio.Event
) -> tuple[list[float], int]:
    """Classify in a loop until `until` is set: (latencies in ms, failures)."""
    latencies: list[float] = []
    failures = 0

    async def worker(offset: int) -> None:
        nonlocal failures
        turn = offset
        while not until.is_set():
            started = time.perf_counter()
            try:
                await nlu.parse(inputs[turn % len(inputs)])
            except NluUnavailable:
                failures += 1
            latencies.append((time.perf_counter() - started) * 1000)
            turn += concurrency

    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return latencies, failures


async def main(concurrency: int, skip_training: bool) -> int:
    settings = load_settings(ROOT / "config.yml")
    models = settings.path(settings.config.paths.models)
    project = settings.path(settings.config.paths.rasa_project)
    inputs = texts(400)
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        trained = None if skip_training else await training_seconds(folder)
        model = await train_model(project, models, settings.rasa_executable)
        twin = folder / f"{model.name.removesuffix('.tar.gz')}-twin.tar.gz"
        shutil.copy(model, twin)
        nlu = SwitchingNlu(
            settings.rasa_executable,
            folder,
            startup_timeout=settings.config.rasa.startup_timeout_seconds,
            request_timeout=settings.config.nlu.request_timeout_seconds,
        )
        await nlu.start(model)
        try:
            steady_done = asyncio.Event()
            steady = asyncio.create_task(load(nlu, inputs, concurrency, steady_done))
            await asyncio.sleep(STEADY_SECONDS)
            steady_done.set()
            steady_ms, steady_failures = await steady

            switch_done = asyncio.Event()
            during = asyncio.create_task(load(nlu, inputs, concurrency, switch_done))
            started = time.monotonic()
            await nlu.switch(twin)
            switch_seconds = time.monotonic() - started
            switch_done.set()
            during_ms, during_failures = await during
        finally:
            await nlu.close()
    if trained is not None:
        print(f"training on the project's data: {trained:.0f} s")
    print(f"model switch took {switch_seconds:.1f} s (a second Rasa server loads the model)")
    for name, values, failures in (
        ("steady", steady_ms, steady_failures),
        ("during switch", during_ms, during_failures),
    ):
        print(
            f"{name:>14}: {len(values):5d} parses, {failures} failed, "
            f"p50 {statistics.median(values):7.2f} ms  p95 {percentile(values, 0.95):7.2f} ms  "
            f"max {max(values):8.2f} ms"
        )
    ratio = percentile(during_ms, 0.95) / percentile(steady_ms, 0.95)
    print(f"p95 latency during the switch / steady state: {ratio:.2f}")
    return 0 if during_failures == steady_failures == 0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--skip-training", action="store_true")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.concurrency, args.skip_training)))
