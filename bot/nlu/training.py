"""Train Rasa NLU models as a subprocess, named by a fingerprint of the training inputs."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.core.errors import PolresError
from bot.nlu.process import log_tail, spawn, stop_group

# How models are trained from the data (bot/nlu/evaluation.py: the train part of a 20 % held-out
# split); part of the fingerprint, so a model trained another way is never mistaken for it.
RECIPE = b"train split of a 20% hash-held-out split, v1"


def nlu_files(project_dir: Path) -> list[Path]:
    """The project's NLU training files, sorted by path."""
    return sorted((project_dir / "data" / "nlu").glob("*.yml"))


def data_fingerprint(project_dir: Path) -> str:
    """First 12 hex chars of a sha256 over the recipe, config.yml, domain.yml and data/nlu/*.yml."""
    paths = sorted(
        [project_dir / "config.yml", project_dir / "domain.yml", *nlu_files(project_dir)]
    )
    digest = hashlib.sha256(RECIPE)
    for path in paths:
        digest.update(path.relative_to(project_dir).as_posix().encode())
        digest.update(b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError as error:
            raise PolresError(f"cannot read Rasa project file {path}: {error.strerror}") from error
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
    run = await asyncio.to_thread(
        _TrainingRun.plan, project_dir, models_dir, log_path, nlu_path, fixed_name
    )
    if force or not await asyncio.to_thread(run.target.exists):
        await run.execute(rasa_executable)
    return run.target


@dataclass(frozen=True)
class _TrainingRun:
    target: Path
    log_path: Path
    config: Path
    nlu_path: Path

    @classmethod
    def plan(
        cls,
        project_dir: Path,
        models_dir: Path,
        log_path: Path | None,
        nlu_path: Path | None,
        fixed_name: str | None,
    ) -> _TrainingRun:
        name = fixed_name or f"nlu-{data_fingerprint(project_dir)}"
        models_dir = models_dir.resolve()
        return cls(
            target=models_dir / f"{name}.tar.gz",
            log_path=(log_path or models_dir / f"{name}.log").resolve(),
            config=(project_dir / "config.yml").resolve(),
            nlu_path=(nlu_path or project_dir / "data" / "nlu").resolve(),
        )

    def _make_scratch(self) -> Path:
        """Rasa writes into a scratch folder; only a complete model is moved into place."""
        self.target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".training-", dir=self.target.parent))

    async def execute(self, rasa_executable: Path | str) -> None:
        scratch = await asyncio.to_thread(self._make_scratch)
        name = self.target.name.removesuffix(".tar.gz")
        args = ["train", "nlu", "--config", str(self.config), "--nlu", str(self.nlu_path)]
        args += ["--out", str(scratch), "--fixed-model-name", name]
        try:
            process = await spawn(rasa_executable, args, self.log_path)
            try:
                code = await process.wait()
            finally:
                await stop_group(process)
            if code != 0:
                tail = await asyncio.to_thread(log_tail, self.log_path)
                raise PolresError(
                    f"rasa train failed with exit code {code}; log {self.log_path}: {tail}"
                )
            try:
                await asyncio.to_thread(os.replace, scratch / self.target.name, self.target)
            except FileNotFoundError as error:
                raise PolresError(f"rasa train wrote no model; log {self.log_path}") from error
        finally:
            await asyncio.to_thread(shutil.rmtree, scratch, True)
