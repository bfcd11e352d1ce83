"""NLU throughput: the app's classification path versus raw POST /model/parse.

Both paths hit the same Rasa server with the same texts and the same concurrency, in
alternating rounds of one run, so machine noise hits both alike. Target: app/raw >= 0.9.

    .venv/bin/python bench/nlu_throughput.py [--messages 600] [--concurrency 8] [--rounds 3]

Uses RASA_URL when set, else starts a managed Rasa server on the current model.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import yaml

from bot.app import open_nlu
from bot.content import load_intents
from bot.core.pipeline import Classifier
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.9


def texts(count: int) -> list[str]:
    holdout = yaml.safe_load((ROOT / "tests" / "data" / "nlu_holdout.yml").read_text())
    pool = [row["text"] for row in holdout]
    return [pool[i % len(pool)] for i in range(count)]


async def measure(
    call: Callable[[str], Awaitable[object]], inputs: list[str], concurrency: int
) -> tuple[float, list[float]]:
    """(messages per second, per-message latencies in ms)."""
    limit = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def one(text: str) -> None:
        async with limit:
            start = time.perf_counter()
            await call(text)
            latencies.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    await asyncio.gather(*map(one, inputs))
    return len(inputs) / (time.perf_counter() - start), latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main(messages: int, concurrency: int, rounds: int) -> int:
    settings = load_settings(ROOT / "config.yml")
    inputs = texts(messages)
    async with open_nlu(settings) as nlu, aiohttp.ClientSession() as http:
        classifier = Classifier(nlu, load_intents(settings.path(settings.config.paths.data)))
        parse_url = f"{nlu.base_url}/model/parse"

        async def raw(text: str) -> object:
            async with http.post(parse_url, json={"text": text}) as response:
                response.raise_for_status()
                return await response.json()

        paths = {"raw": raw, "app": classifier.classify}
        for call in paths.values():  # warm up connections and caches
            await measure(call, inputs[:50], concurrency)
        results: dict[str, list[tuple[float, list[float]]]] = {name: [] for name in paths}
        for _ in range(rounds):
            for name, call in paths.items():
                results[name].append(await measure(call, inputs, concurrency))

    print(
        f"{messages} messages x {rounds} rounds, concurrency {concurrency}, server {nlu.base_url}"
    )
    summary: dict[str, float] = {}
    for name, runs in results.items():
        rate = statistics.median(r[0] for r in runs)
        latencies = [ms for r in runs for ms in r[1]]
        summary[name] = rate
        print(
            f"{name:>4}: {rate:8.1f} msg/s  p50 {percentile(latencies, 0.5):6.2f} ms  "
            f"p95 {percentile(latencies, 0.95):6.2f} ms"
        )
    ratio = summary["app"] / summary["raw"]
    print(f"ratio app/raw throughput: {ratio:.3f} (target >= {TARGET})")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.messages, args.concurrency, args.rounds)))
