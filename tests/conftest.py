"""Session fixtures shared by all tests: the real Rasa model and server (one per session).

The model is trained on the project's own data into rasa_project/models (reused while the data
fingerprint is unchanged; `make test` trains it first). Set RASA_URL to use a running server.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.nlu.evaluation import train_model
from bot.nlu.server import ManagedRasaServer

ROOT = Path(__file__).resolve().parents[1]
RASA_PROJECT = ROOT / "rasa_project"


@pytest.fixture(scope="session")
def rasa_executable() -> Path:
    return ROOT / ".venv-rasa" / "bin" / "rasa"


@pytest.fixture(scope="session")
async def rasa_model(rasa_executable: Path) -> Path:
    """The model for the project's current data, trained first if missing."""
    return await train_model(RASA_PROJECT, RASA_PROJECT / "models", rasa_executable)


@pytest.fixture(scope="session")
async def rasa_url(
    rasa_model: Path, rasa_executable: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """Base URL of a Rasa server with the project's model loaded."""
    if url := os.environ.get("RASA_URL"):
        yield url
        return
    log = tmp_path_factory.mktemp("rasa") / "rasa-server.log"
    async with ManagedRasaServer(rasa_executable, rasa_model, log) as server:
        yield server.url
