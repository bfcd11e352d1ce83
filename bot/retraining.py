"""The retraining loop's operations: train a version, evaluate it, compare it, activate it.

Used by the `polres nlu` commands and, inside `polres serve`, by the dashboard (training runs
in the background there while the active model keeps answering).
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from bot.content import load_intents
from bot.core.background import BackgroundTasks
from bot.core.comparison import Comparison, compare
from bot.core.content import IntentTable
from bot.core.errors import InvalidInput, PolresError
from bot.nlu.evaluation import CONFUSION_PNG, evaluate_model, train_model
from bot.nlu.training import data_fingerprint, model_path
from bot.settings import Settings
from bot.storage.model_versions import ModelVersion, SqlModelVersions

log = logging.getLogger(__name__)


class Retraining:
    def __init__(self, settings: Settings, versions: SqlModelVersions) -> None:
        self.settings = settings
        self.versions = versions
        paths = settings.config.paths
        self.project = settings.path(paths.rasa_project)
        self.models = settings.path(paths.models)
        self.reports = settings.path(paths.reports) / "models"
        self._background = BackgroundTasks()

    # -- training ----------------------------------------------------------------------------

    async def begin(self, by: str) -> ModelVersion:
        """Record a new training; refused while one runs (TrainingBusy) and when a version for
        the current data exists already."""
        existing = await self.version_for_current_data()
        if existing is not None:
            raise InvalidInput(
                f"the training data has not changed since model version {existing.id}"
            )
        fingerprint = await asyncio.to_thread(data_fingerprint, self.project)
        log_file = self.models / f"training-{fingerprint}-{int(time.time())}.log"
        version_id = await self.versions.start_training(fingerprint, by, str(log_file))
        return await self._get(version_id)

    async def run(self, version: ModelVersion, *, evaluate: bool = True) -> ModelVersion:
        """Train (or reuse the model for unchanged data), then evaluate (unless told not to:
        comparisons evaluate on demand); the first version to be ready becomes the active one."""
        started = time.monotonic()
        try:
            model = await train_model(
                self.project,
                self.models,
                self.settings.rasa_executable,
                log_path=Path(version.log_file) if version.log_file else None,
            )
            await self.versions.finish_training(version.id, model.name, time.monotonic() - started)
            if evaluate:
                await self.evaluate(version.id)
                await self.comparison(version.id)  # evaluates the active model on its split
        except BaseException as error:
            await asyncio.shield(self.versions.fail_training(version.id, _reason(error)))
            raise
        await self.adopt_if_none_usable(version)
        return await self._get(version.id)

    async def train(self, by: str) -> ModelVersion:
        """A version for the current data: the existing one when the data is unchanged."""
        existing = await self.version_for_current_data()
        if existing is None:
            return await self.run(await self.begin(by))
        if existing.metrics is None:
            existing = await self.evaluate(existing.id)
        await self.adopt_if_none_usable(existing)
        return await self._get(existing.id)

    async def usable_active(self) -> ModelVersion | None:
        """The active version, unless its model file is gone (deleted by hand, or a models
        folder that was not kept)."""
        active = await self.versions.active()
        if (
            active is None
            or not active.model_file
            or not (self.models / active.model_file).is_file()
        ):
            return None
        return active

    async def adopt_if_none_usable(self, version: ModelVersion) -> None:
        """Activate a ready version when no active one can serve: the first model, or one
        whose file is gone."""
        active = await self.versions.active()
        if active is None:
            await self.versions.activate(version.id, version.created_by, "the first model")
        elif active.id != version.id and await self.usable_active() is None:
            reason = f"the model file of version {active.id} is gone"
            await self.versions.activate(version.id, version.created_by, reason)

    async def version_for_current_data(self) -> ModelVersion | None:
        current = await self.current_model()
        existing = await self.versions.by_file(current.name)
        return existing if existing is not None and current.is_file() else None

    def train_in_background(self, version: ModelVersion) -> None:
        self._background.start(self._run_logged(version))

    async def stop(self) -> None:
        await self._background.cancel_all()

    async def _run_logged(self, version: ModelVersion) -> None:
        try:
            await self.run(version)
        except PolresError as error:
            log.warning("training of model version %s failed: %s", version.id, error)

    # -- evaluation and activation -------------------------------------------------------------

    async def evaluate(self, version_id: int) -> ModelVersion:
        """Evaluate a version on the held-out split (and store the metrics)."""
        version = await self._ready(version_id)
        metrics = await evaluate_model(
            self.models / str(version.model_file),
            self.project,
            await self.intents(),
            self.settings.rasa_executable,
            self.reports / str(version.id),
        )
        await self.versions.record_metrics(version.id, metrics)
        return await self._get(version.id)

    async def comparison(self, version_id: int) -> Comparison:
        """The version against the active model on the same held-out examples; an active
        model evaluated on other examples (the data changed) is evaluated again first."""
        version = await self._evaluated(version_id)
        active = await self.usable_active()  # one whose file is gone is no baseline
        if active is not None and active.id != version.id:
            assert version.metrics is not None
            active = await self._evaluated(active.id)
            if active.metrics is not None and active.metrics["split"] != version.metrics["split"]:
                active = await self.evaluate(active.id)
        baseline = active.metrics if active is not None and active.id != version.id else None
        assert version.metrics is not None
        return compare(version.metrics, baseline, self.settings.config.models.tolerance)

    async def activate(
        self, version_id: int, by: str, *, force: bool = False, reason: str | None = None
    ) -> Comparison:
        """Activate a version (a rollback is the activation of an older one). Refused when it
        loses more than the tolerance on a guarded metric, unless forced with a reason."""
        comparison = await self.comparison(version_id)
        if comparison.refusals and not force:
            raise InvalidInput(
                "activation refused: "
                + "; ".join(comparison.refusals)
                + " (force it with a reason to activate anyway)"
            )
        if force and not (reason or "").strip():
            raise InvalidInput("a forced activation needs a reason")
        await self.versions.activate(version_id, by, reason.strip() if reason else None)
        return comparison

    def confusion_png(self, version_id: int) -> Path:
        return self.reports / str(version_id) / CONFUSION_PNG

    async def intents(self) -> IntentTable:
        return await asyncio.to_thread(
            load_intents, self.settings.path(self.settings.config.paths.data)
        )

    async def current_model(self) -> Path:
        """The model trained for the project's current data (it may not exist yet)."""
        return await asyncio.to_thread(model_path, self.project, self.models)

    async def _evaluated(self, version_id: int) -> ModelVersion:
        version = await self._ready(version_id)
        return version if version.metrics is not None else await self.evaluate(version_id)

    async def _ready(self, version_id: int) -> ModelVersion:
        version = await self._get(version_id)
        if version.status != "ready" or not version.model_file:
            raise InvalidInput(f"model version {version_id} is {version.status}, not ready")
        if not (self.models / version.model_file).is_file():
            raise InvalidInput(f"model file {version.model_file} of version {version_id} is gone")
        return version

    async def _get(self, version_id: int) -> ModelVersion:
        version = await self.versions.get(version_id)
        if version is None:
            raise InvalidInput(f"no model version {version_id}")
        return version


def _reason(error: BaseException) -> str:
    if isinstance(error, asyncio.CancelledError):
        return "cancelled (the process stopped)"
    return str(error) or type(error).__name__
