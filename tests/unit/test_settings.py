"""load_settings with a config.yml in a temporary folder and a controlled environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config_file import FileConfig
from bot.core.errors import ConfigError
from bot.settings import load_settings
from tests.unit.conftest import Load, error_of

pytestmark = pytest.mark.usefixtures("clean_environment")


def test_an_empty_config_gives_the_defaults(load: Load, tmp_path: Path) -> None:
    settings = load("")

    assert settings.config == FileConfig()
    assert settings.root == tmp_path.resolve()
    assert settings.config.nlu.confidence_threshold == 0.5
    assert settings.config.nlu.emergency_threshold == 0.3
    assert settings.config.nlu.dialog_emergency_threshold == 0.8
    assert settings.config.escalation.priority["urgent"] == 1
    assert settings.config.languages.supported == ("id", "en")
    assert (
        settings.database_url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'var' / 'polres.db'}"
    )
    assert settings.rasa_urls == ()
    assert settings.host == "127.0.0.1"
    assert settings.port == 8080
    assert settings.log_level == "INFO"
    assert settings.behind_proxy is False
    assert len(settings.secret_key) >= 32
    assert settings.rasa_executable == tmp_path.resolve() / ".venv-rasa" / "bin" / "rasa"


def test_a_random_secret_key_each_start_when_unset(load: Load) -> None:
    assert load("").secret_key != load("").secret_key


def test_the_project_config_loads(load: Load) -> None:
    project_config = Path(__file__).resolve().parents[2] / "config.yml"

    settings = load(project_config.read_text(encoding="utf-8"))

    assert settings.config.paths.data == Path("data")
    assert settings.config.nlu.confidence_threshold == 0.5
    assert settings.config.escalation.priority == {
        "urgent": 1,
        "crime_report": 2,
        "question": 3,
        "feedback": 4,
        "other": 5,
    }


def test_values_from_the_file_are_typed(load: Load, tmp_path: Path) -> None:
    settings = load(
        """
nlu:
  confidence_threshold: 0.6
  request_timeout_seconds: 5
outbox:
  max_attempts: 3
languages:
  default: en
  supported: [en, id]
paths:
  var: /srv/polres/var
"""
    )

    assert settings.config.nlu.confidence_threshold == 0.6
    assert settings.config.nlu.request_timeout_seconds == 5.0
    assert isinstance(settings.config.nlu.request_timeout_seconds, float)
    assert settings.config.outbox.max_attempts == 3
    assert settings.config.languages.supported == ("en", "id")
    assert settings.config.paths.var == Path("/srv/polres/var")
    assert settings.database_url == "sqlite+aiosqlite:////srv/polres/var/polres.db"
    assert settings.path(Path("data")) == tmp_path.resolve() / "data"


def test_an_unknown_key_is_named(load: Load) -> None:
    assert "nlu.bogus" in error_of(load, "nlu:\n  bogus: 1\n")


def test_an_unknown_top_level_key_is_named(load: Load) -> None:
    assert "unknown key telegram" in error_of(load, "telegram:\n  token: x\n")


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ("nlu:\n  confidence_threshold: high\n", "nlu.confidence_threshold"),
        ("nlu:\n  classify_concurrency: 2.5\n", "nlu.classify_concurrency"),
        ("outbox:\n  max_attempts: true\n", "outbox.max_attempts"),
        ("channels:\n  webchat: 'yes'\n", "channels.webchat"),
        ("escalation:\n  priority:\n    urgent: first\n", "escalation.priority.urgent"),
        ("languages:\n  supported: id\n", "languages.supported"),
        ("languages:\n  supported: [id, 2]\n", "languages.supported[1]"),
        ("paths:\n  data: ''\n", "paths.data"),
        ("nlu: 3\n", "nlu"),
        ("office:\n  phone: 0271123456\n", "office.phone"),
    ],
)
def test_a_wrong_type_names_the_key(load: Load, config: str, key: str) -> None:
    message = error_of(load, config)
    assert f" {key}:" in message
    assert message.startswith("config.yml:")


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ("nlu:\n  confidence_threshold: 1.5\n", "nlu.confidence_threshold"),
        ("nlu:\n  emergency_threshold: -0.1\n", "nlu.emergency_threshold"),
        ("nlu:\n  dialog_emergency_threshold: 2\n", "nlu.dialog_emergency_threshold"),
        ("nlu:\n  classify_concurrency: 0\n", "nlu.classify_concurrency"),
        ("escalation:\n  priority:\n    urgent: 1\n", "escalation.priority"),
        ("languages:\n  default: fr\n", "languages.default"),
        ("office:\n  map_url: Jl. Merdeka 1\n", "office.map_url"),
    ],
)
def test_a_bad_value_names_the_key(load: Load, config: str, key: str) -> None:
    assert key in error_of(load, config)


def test_a_list_at_the_top_is_refused(load: Load) -> None:
    assert "top level" in error_of(load, "- a\n- b\n")


def test_invalid_yaml_is_a_config_error(load: Load) -> None:
    assert "not valid YAML" in error_of(load, "nlu: [unclosed\n")


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.yml"):
        load_settings(tmp_path / "nowhere.yml")


def test_polres_config_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "other.yml"
    path.write_text("outbox:\n  max_attempts: 4\n", encoding="utf-8")
    monkeypatch.setenv("POLRES_CONFIG", str(path))

    assert load_settings().config.outbox.max_attempts == 4


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://user@host/db"),
        ("DATABASE_URL", "just-a-path.db"),
        ("RASA_URL", "ftp://127.0.0.1:5005"),
        ("RASA_URL", "localhost:5005"),
        ("RASA_URL", "http://"),
        ("RASA_URL", "http://127.0.0.1:50O5"),  # letter O for zero: not a port
        ("RASA_URL", "http://127.0.0.1:99999"),  # port out of range
        ("RASA_URL", "http://127.0.0.1:5005,localhost:5006"),  # one bad URL of two
        ("POLRES_PORT", "eighty"),
        ("POLRES_PORT", "0"),
        ("POLRES_PORT", "65536"),
        ("POLRES_PORT", "-1"),
        ("POLRES_SECRET_KEY", "too-short"),
        ("POLRES_SECRET_KEY", "x" * 31),
        ("POLRES_LOG_LEVEL", "verbose"),
        ("POLRES_BEHIND_PROXY", "maybe"),
    ],
)
def test_a_bad_environment_variable_is_named(
    load: Load, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as caught:
        load("")

    assert str(caught.value).startswith(f"{variable}:")


def test_good_environment_variables(load: Load, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_URL", "http://rasa.internal:5005/")
    monkeypatch.setenv("POLRES_HOST", "0.0.0.0")
    monkeypatch.setenv("POLRES_PORT", "65535")
    monkeypatch.setenv("POLRES_SECRET_KEY", "k" * 32)
    monkeypatch.setenv("POLRES_LOG_LEVEL", "debug")
    monkeypatch.setenv("POLRES_BEHIND_PROXY", "True")

    settings = load("")

    assert settings.rasa_urls == ("http://rasa.internal:5005",)
    assert settings.host == "0.0.0.0"
    assert settings.port == 65535
    assert settings.secret_key == "k" * 32
    assert settings.log_level == "DEBUG"
    assert settings.behind_proxy is True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("postgresql://polres:pw@db:5432/polres", "postgresql+asyncpg://polres:pw@db:5432/polres"),
        ("postgres://polres@db/polres", "postgresql+asyncpg://polres@db/polres"),
        ("postgresql+asyncpg://polres@db/polres", "postgresql+asyncpg://polres@db/polres"),
        ("sqlite:///var/x.db", "sqlite+aiosqlite:///var/x.db"),
    ],
)
def test_database_url_is_normalised_to_an_async_driver(
    load: Load, monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", value)

    assert load("").database_url == expected


def test_dot_env_beside_the_config_is_read(load: Load) -> None:
    settings = load(
        "",
        env_file=(
            "DATABASE_URL=postgresql://u@dbhost/polres\n"
            "POLRES_PORT=9000\n"
            "POLRES_LOG_LEVEL=WARNING\n"
        ),
    )

    assert settings.database_url == "postgresql+asyncpg://u@dbhost/polres"
    assert settings.port == 9000
    assert settings.log_level == "WARNING"


def test_real_environment_variables_win_over_dot_env(
    load: Load, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLRES_PORT", "9100")

    settings = load("", env_file="POLRES_PORT=9000\nPOLRES_HOST=10.0.0.5\n")

    assert settings.port == 9100
    assert settings.host == "10.0.0.5"


def test_a_bad_value_in_dot_env_is_named(load: Load) -> None:
    with pytest.raises(ConfigError, match=r"^POLRES_PORT:"):
        load("", env_file="POLRES_PORT=http\n")


def test_a_database_url_without_a_scheme_does_not_echo_the_password(
    load: Load, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A missing "postgresql://" must not put the whole value, password included, in the
    # one-line error that is printed and logged at start-up.
    monkeypatch.setenv("DATABASE_URL", "polres:s3cret-pw@db.internal:5432/polres")

    with pytest.raises(ConfigError) as caught:
        load("")

    assert str(caught.value).startswith("DATABASE_URL:")
    assert "s3cret-pw" not in str(caught.value)


def test_several_rasa_servers(load: Load, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_URL", "http://rasa-1:5005/, http://rasa-2:5005")
    assert load("").rasa_urls == ("http://rasa-1:5005", "http://rasa-2:5005")


def test_daily_tips_are_read_and_checked(load: Load) -> None:
    tips = load(
        "broadcasts:\n  daily_tips:\n    - {campaign: narkoba, topic: narkoba, at: '19:30'}\n"
    )
    [tip] = tips.config.broadcasts.daily_tips
    assert (tip.campaign, tip.topic, tip.at) == ("narkoba", "narkoba", "19:30")
    bad_topic = "broadcasts:\n  daily_tips:\n    - {campaign: x, topic: cuaca}\n"
    assert "broadcasts.daily_tips[0].topic" in error_of(load, bad_topic)
    bad_time = "broadcasts:\n  daily_tips:\n    - {campaign: x, topic: info, at: '7 pagi'}\n"
    assert "broadcasts.daily_tips[0].at: expected HH:MM" in error_of(load, bad_time)
