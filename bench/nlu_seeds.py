"""How much the training seed alone moves the NLU's figures: trains the same data with several
DIET seeds (`random_seed` in rasa_project/config.yml) and prints each model's figures on the
holdout (tests/data/nlu_holdout.yml), then their spread. A change to the training data is
judged against that spread, not against one seed's figures.

    .venv/bin/python bench/nlu_seeds.py [--seeds 42 1 2] [--project DIR]

`--project` is another Rasa project folder (a copy of rasa_project with other data, say);
training runs on copies, the repository's models are not touched. Each seed trains for 3 to 5
minutes on 2 cores, as `polres nlu train` does (the train part of the held-out split).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content import load_intents  # noqa: E402
from bot.core.pipeline import Classifier  # noqa: E402
from bot.nlu.client import RasaClient  # noqa: E402
from bot.nlu.evaluation import train_model  # noqa: E402
from bot.nlu.holdout import HoldoutFigures, holdout_figures, load_holdout  # noqa: E402
from bot.nlu.server import ManagedRasaServer  # noqa: E402

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
HOLDOUT = ROOT / "tests" / "data" / "nlu_holdout.yml"
SEED = re.compile(r"^(\s*random_seed:\s*)\d+", re.MULTILINE)


def seeded_copy(project: Path, seed: int, folder: Path) -> Path:
    """The project's config, domain and NLU data in `folder`, DIET's seed set to `seed`."""
    copy = folder / f"seed-{seed}"
    shutil.copytree(project / "data", copy / "data")
    shutil.copy(project / "domain.yml", copy / "domain.yml")
    config, count = SEED.subn(rf"\g<1>{seed}", (project / "config.yml").read_text())
    if count != 1:
        raise SystemExit(f"{project / 'config.yml'}: no random_seed to set")
    (copy / "config.yml").write_text(config)
    return copy


async def figures_of(project: Path, seed: int, folder: Path) -> HoldoutFigures:
    copy = seeded_copy(project, seed, folder)
    model = await train_model(copy, folder / "models", RASA, log_path=folder / f"train-{seed}.log")
    rows = load_holdout(HOLDOUT, copy)
    server = ManagedRasaServer(RASA, model, folder / f"rasa-{seed}.log")
    async with server, RasaClient(server.url) as client:
        classifier = Classifier(client, load_intents(ROOT / "data"))
        results = await asyncio.gather(*(classifier.classify(row["text"]) for row in rows))
    return holdout_figures(list(zip(rows, results, strict=True)))


def spread(name: str, values: list[float]) -> str:
    return f"{name} {min(values):.3f} to {max(values):.3f} (mean {sum(values) / len(values):.3f})"


async def main(seeds: list[int], project: Path) -> None:
    found: list[HoldoutFigures] = []
    with tempfile.TemporaryDirectory(prefix="polres-seeds-") as folder_name:
        for seed in seeds:
            figures = await figures_of(project, seed, Path(folder_name))
            print(f"seed {seed}: {figures.line()}", flush=True)
            found.append(figures)
    print(
        "spread over the seeds: "
        + "; ".join(
            (
                spread("category macro-F1", [f.category_macro_f1 for f in found]),
                spread("topic accuracy", [f.topic_accuracy for f in found]),
                spread("urgent recall", [f.urgent_found / f.urgent_rows for f in found]),
                spread("urgent precision", [f.urgent_found / f.flagged for f in found]),
            )
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 1, 2])
    parser.add_argument("--project", type=Path, default=ROOT / "rasa_project")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.seeds, arguments.project.resolve()))
