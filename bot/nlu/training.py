"""Train Rasa NLU models as a subprocess, named by a fingerprint of the training inputs."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from bot.core.errors import PolresError
from bot.nlu.process import log_tail, spawn, stop_group


def nlu_files(project_dir: Path) -> list[Path]:
    """The project's NLU training files, sorted by path."""
    return sorted((project_dir / "data" / "nlu").glob("*.yml"))


def data_fingerprint(project_dir: Path) -> str:
    """First 12 hex chars of a sha256 over config.yml, domain.yml and data/nlu/*.yml."""
    paths = sorted([project_dir / "config.yml", project_dir / "domain.yml", *nlu_files(project_dir)])
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(project_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def model_path(project_dir: Path, models_dir: Path) -> Path:
    """Where the model trained on the project's current data lives."""
    return models_dir / f"nlu-{data_fingerprint(project_dir)}.tar.gz"


async def train(
    project_dir: Path,
    models_dir: Path,
    rasa_executable: Path | str,
    force: bool = False,
    log_path: Path | None = None,
    nlu_path: Path | None = None,
    fixed_name: str | None = None,
) -> Path:
    """Train an NLU model unless it already exists; returns the model's path.

    `nlu_path` (a file or folder, default data/nlu) overrides the training data;
    `fixed_name` overrides the fingerprint name. Rasa's output goes to `log_path`
    (default: beside the model); a failed run raises PolresError with the log's tail.
    """
    project_dir, models_dir = project_dir.resolve(), models_dir.resolve()
    if fixed_name is None:
        fixed_name = f"nlu-{await asyncio.to_thread(data_fingerprint, project_dir)}"
    target = models_dir / f"{fixed_name}.tar.gz"
    if target.exists() and not force:
        return target
    log_path = (log_path or models_dir / f"{fixed_name}.log").resolve()
    models_dir.mkdir(parents=True, exist_ok=True)
    # Rasa writes into a scratch folder; only a complete model is moved into place.
    scratch = Path(tempfile.mkdtemp(prefix=".training-", dir=models_dir))
    try:
        await _run_rasa(
            rasa_executable,
            [
                "train",
                "nlu",
                "--config",
                str(project_dir / "config.yml"),
                "--nlu",
                str((nlu_path or project_dir / "data" / "nlu").resolve()),
                "--out",
                str(scratch),
                "--fixed-model-name",
                fixed_name,
            ],
            log_path,
        )
        trained = scratch / f"{fixed_name}.tar.gz"
        if not trained.exists():
            raise PolresError(f"rasa train wrote no model {trained.name}; see {log_path}")
        os.replace(trained, target)
    finally:
        await asyncio.to_thread(shutil.rmtree, scratch, True)
    return target


async def _run_rasa(executable: Path | str, args: list[str], log_path: Path) -> None:
    process = await spawn(executable, args, log_path)
    try:
        code = await process.wait()
    finally:
        await stop_group(process)
    if code != 0:
        tail = await asyncio.to_thread(log_tail, log_path)
        raise PolresError(f"rasa train failed with exit code {code}; log {log_path}: {tail}")
