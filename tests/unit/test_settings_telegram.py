"""The Telegram settings: TELEGRAM_* environment variables and config.yml's telegram: limits."""

from __future__ import annotations

import pytest

from bot.config_file import TelegramLimits
from bot.settings import TELEGRAM_API
from tests.unit.conftest import Load, error_of

TOKEN = "777000111:AAH6ffRSjg4ze7kO0MFsdNmZZhTnCzi_BU_"
SECRET = "s3cret_Token-42"
WEBHOOK_URL = "https://polres.example.go.id/webhook/telegram"


pytestmark = pytest.mark.usefixtures("clean_environment")


# -- on / off and mode --------------------------------------------------------------------------


def test_no_token_means_no_telegram(load: Load) -> None:
    assert load("").telegram is None


def test_an_empty_token_means_no_telegram(load: Load) -> None:
    assert load("", TELEGRAM_BOT_TOKEN="").telegram is None


def test_a_token_without_a_webhook_url_polls_the_real_api(load: Load) -> None:
    telegram = load("", TELEGRAM_BOT_TOKEN=TOKEN).telegram

    assert telegram is not None
    assert telegram.token == TOKEN
    assert telegram.mode == "polling"
    assert telegram.webhook_url is None
    assert telegram.webhook_secret is None
    assert telegram.api_base_url == "https://api.telegram.org/bot"
    assert telegram.api_base_url == TELEGRAM_API


def test_a_webhook_url_means_webhook_mode(load: Load) -> None:
    telegram = load(
        "",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_WEBHOOK_URL=WEBHOOK_URL,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
    ).telegram

    assert telegram is not None
    assert telegram.mode == "webhook"
    assert telegram.webhook_url == WEBHOOK_URL
    assert telegram.webhook_secret == SECRET


def test_webhook_mode_needs_a_secret(load: Load) -> None:
    message = error_of(load, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_URL=WEBHOOK_URL)

    assert message.startswith("TELEGRAM_WEBHOOK_SECRET:")


def test_explicit_webhook_mode_needs_a_secret(load: Load) -> None:
    message = error_of(load, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_MODE="webhook")

    assert message.startswith("TELEGRAM_WEBHOOK_SECRET:")


def test_webhook_mode_without_a_url_is_allowed_when_registered_elsewhere(load: Load) -> None:
    telegram = load(
        "", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_MODE="webhook", TELEGRAM_WEBHOOK_SECRET=SECRET
    ).telegram

    assert telegram is not None
    assert telegram.mode == "webhook"
    assert telegram.webhook_url is None
    assert telegram.webhook_secret == SECRET


def test_explicit_polling_mode(load: Load) -> None:
    telegram = load("", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_MODE="polling").telegram

    assert telegram is not None
    assert telegram.mode == "polling"


def test_a_secret_is_kept_in_polling_mode(load: Load) -> None:
    telegram = load("", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_SECRET=SECRET).telegram

    assert telegram is not None
    assert telegram.mode == "polling"
    assert telegram.webhook_secret == SECRET


def test_a_local_bot_api_server_can_be_used(load: Load) -> None:
    telegram = load(
        "", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL="http://127.0.0.1:8081/bot"
    ).telegram

    assert telegram is not None
    assert telegram.api_base_url == "http://127.0.0.1:8081/bot"


def test_the_telegram_variables_can_come_from_dot_env(load: Load) -> None:
    telegram = load(
        "",
        env_file=(
            f"TELEGRAM_BOT_TOKEN={TOKEN}\n"
            f"TELEGRAM_WEBHOOK_URL={WEBHOOK_URL}\n"
            f"TELEGRAM_WEBHOOK_SECRET={SECRET}\n"
        ),
    ).telegram

    assert telegram is not None
    assert telegram.mode == "webhook"
    assert telegram.token == TOKEN


# -- bad values are named -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_BOT_TOKEN", "777000111"),
        ("TELEGRAM_BOT_TOKEN", "777000111:short"),
        ("TELEGRAM_BOT_TOKEN", "bot777000111:AAH6ffRSjg4ze7kO0MFsdNmZZhTnCzi"),
        ("TELEGRAM_BOT_TOKEN", "777000111:AAH6ffRSjg4ze7kO0MFs dNmZZhTnCzi"),
        ("TELEGRAM_MODE", "webhooks"),
        ("TELEGRAM_MODE", "push"),
        ("TELEGRAM_WEBHOOK_URL", "http://polres.example.go.id/webhook/telegram"),
        ("TELEGRAM_WEBHOOK_URL", "polres.example.go.id/webhook/telegram"),
        ("TELEGRAM_WEBHOOK_SECRET", "has spaces"),
        ("TELEGRAM_WEBHOOK_SECRET", "semi;colon"),
        ("TELEGRAM_WEBHOOK_SECRET", "rahasia!"),
        ("TELEGRAM_WEBHOOK_SECRET", "x" * 257),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org/bot"),
        ("TELEGRAM_API_BASE_URL", "ftp://api.telegram.org/bot"),
        ("TELEGRAM_API_BASE_URL", "https://"),  # no host
        ("TELEGRAM_API_BASE_URL", "http:///bot"),  # no host
    ],
)
def test_a_bad_telegram_variable_is_named(
    load: Load, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)  # so webhook mode is otherwise valid
    monkeypatch.setenv(variable, value)

    assert error_of(load).startswith(f"{variable}:")


def test_the_token_is_not_echoed_in_its_error(load: Load) -> None:
    leaked = "777000111:bad token with spaces"

    message = error_of(load, TELEGRAM_BOT_TOKEN=leaked)

    assert message.startswith("TELEGRAM_BOT_TOKEN:")
    assert "bad token" not in message


def test_the_secret_is_not_echoed_in_its_error(load: Load) -> None:
    message = error_of(load, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_SECRET="geheim!wort")

    assert message.startswith("TELEGRAM_WEBHOOK_SECRET:")
    assert "geheim" not in message


def test_telegram_variables_are_not_checked_without_a_token(load: Load) -> None:
    settings = load("", TELEGRAM_MODE="push", TELEGRAM_WEBHOOK_URL="http://x")

    assert settings.telegram is None


# -- config.yml telegram: limits ----------------------------------------------------------------


def test_the_limits_default_to_telegrams_documented_ones(load: Load) -> None:
    limits = load("").config.telegram

    assert limits == TelegramLimits()
    assert (limits.messages_per_second, limits.chat_messages_per_second) == (30, 1)
    assert limits.group_messages_per_minute == 20


def test_the_limits_are_read_from_config_yml(load: Load) -> None:
    limits = load(
        "telegram:\n"
        "  messages_per_second: 10\n"
        "  chat_messages_per_second: 2\n"
        "  group_messages_per_minute: 15\n"
    ).config.telegram

    assert limits == TelegramLimits(
        messages_per_second=10, chat_messages_per_second=2, group_messages_per_minute=15
    )


def test_one_limit_can_be_set_alone(load: Load) -> None:
    limits = load("telegram:\n  messages_per_second: 5\n").config.telegram

    assert limits == TelegramLimits(messages_per_second=5)


def test_the_limits_are_not_secrets_and_need_no_token(load: Load) -> None:
    settings = load("telegram:\n  messages_per_second: 5\n")

    assert settings.telegram is None
    assert settings.config.telegram.messages_per_second == 5


@pytest.mark.parametrize("key", ["token", "mode", "webhook_url", "messages_per_minute"])
def test_an_unknown_key_under_telegram_is_named(load: Load, key: str) -> None:
    message = error_of(load, f"telegram:\n  {key}: 1\n")

    assert message == f"config.yml: unknown key telegram.{key}"


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ("telegram:\n  messages_per_second: fast\n", "telegram.messages_per_second"),
        ("telegram:\n  messages_per_second: 2.5\n", "telegram.messages_per_second"),
        ("telegram:\n  chat_messages_per_second: true\n", "telegram.chat_messages_per_second"),
        ("telegram:\n  group_messages_per_minute: '20'\n", "telegram.group_messages_per_minute"),
        ("telegram: 30\n", "telegram"),
        ("telegram: [30]\n", "telegram"),
    ],
)
def test_a_wrongly_typed_limit_is_named(load: Load, config: str, key: str) -> None:
    message = error_of(load, config)

    assert message.startswith("config.yml:")
    assert f" {key}:" in message


@pytest.mark.parametrize(
    "key", ["messages_per_second", "chat_messages_per_second", "group_messages_per_minute"]
)
@pytest.mark.parametrize("value", [0, -1])
def test_a_limit_below_one_is_named(load: Load, key: str, value: int) -> None:
    # A limit of 0 would let TelegramSender.try_reserve refuse every message forever.
    assert f"telegram.{key}" in error_of(load, f"telegram:\n  {key}: {value}\n")
