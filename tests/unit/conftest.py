"""Unit-test fixtures: the project's real content and intent table, a Context builder, and
settings loaded from a temporary config.yml with a controlled environment."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import load_content, load_intents
from bot.core.content import Content, IntentTable
from bot.core.errors import ConfigError
from bot.core.handling import Context
from bot.core.router import NluRules
from bot.core.types import (
    Citizen,
    DialogState,
    IntentScore,
    Location,
    Media,
    Parse,
    StoredMessage,
    TicketSummary,
)
from bot.settings import ENV_VARIABLES, Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]

DATA_DIR = ROOT / "data"
CONFIG_FILE = ROOT / "config.yml"
LANGUAGES = ("id", "en")
# A code as new_ticket_code() makes them (only symbols from CODE_ALPHABET).
TICKET_CODE = "PL-7K3M-Q9XD"


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(DATA_DIR, LANGUAGES)


@pytest.fixture(scope="session")
def intents() -> IntentTable:
    return load_intents(DATA_DIR)


@pytest.fixture(scope="session")
def project_config() -> dict[str, Any]:
    """The project's own config.yml, read as plain YAML."""
    raw: dict[str, Any] = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    return raw


@pytest.fixture(scope="session")
def nlu_rules(project_config: dict[str, Any]) -> NluRules:
    nlu = project_config["nlu"]
    return NluRules(
        float(nlu["confidence_threshold"]),
        float(nlu["emergency_threshold"]),
        float(nlu["dialog_emergency_threshold"]),
    )


@pytest.fixture(scope="session")
def priorities(project_config: dict[str, Any]) -> Mapping[str, int]:
    return {str(k): int(v) for k, v in project_config["escalation"]["priority"].items()}


@dataclass(frozen=True)
class ContextFactory:
    """Builds a handlers Context the way the pipeline does, from plain test values."""

    content: Content
    intents: IntentTable

    def __call__(
        self,
        text: str = "",
        *,
        language: str = "id",
        intent: str | None = None,
        confidence: float = 0.95,
        ranking: Sequence[tuple[str, float]] = (),
        state: DialogState | None = None,
        command: str | None = None,
        tickets: Sequence[TicketSummary] = (),
        location: Location | None = None,
        media: tuple[Media, ...] = (),
        message_id: int = 1,
        ticket_code: str = TICKET_CODE,
        channel: str = "webchat",
    ) -> Context:
        classification = None
        if intent is not None:
            scores = tuple(IntentScore(name, score) for name, score in ranking)
            classification = self.intents.classify(text, Parse(intent, confidence, scores))
        citizen = Citizen(id=7, channel=channel, chat_id="session-7", language=language)
        message = StoredMessage(
            id=message_id, citizen=citizen, text=text, media=media, location=location
        )
        return Context(
            message=message,
            language=language,
            content=self.content,
            intents=self.intents,
            ticket_code=ticket_code,
            classification=classification,
            state=state,
            command=command,
            tickets=tickets,
        )


@pytest.fixture(scope="session")
def make_context(content: Content, intents: IntentTable) -> ContextFactory:
    return ContextFactory(content, intents)


# -- settings -----------------------------------------------------------------------------------


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the real environment, and nothing a test (or .env) sets outlives it.

    setenv before delenv makes monkeypatch restore each variable, even one that python-dotenv
    sets from a .env file during the test.
    """
    for name in ENV_VARIABLES:
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)


Load = Callable[..., Settings]


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Load:
    """load(config.yml text, .env text, **environment variables) -> Settings."""

    def load(config: str = "", env_file: str | None = None, **env: str) -> Settings:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        path = tmp_path / "config.yml"
        path.write_text(config, encoding="utf-8")
        if env_file is not None:
            (tmp_path / ".env").write_text(env_file, encoding="utf-8")
        return load_settings(path)

    return load


def error_of(load: Load, config: str = "", **env: str) -> str:
    """The ConfigError message loading these settings gives."""
    with pytest.raises(ConfigError) as caught:
        load(config, **env)
    return str(caught.value)
