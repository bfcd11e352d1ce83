"""The WhatsApp settings: WHATSAPP_* environment variables and config.yml's whatsapp: section."""

from __future__ import annotations

import pytest

from bot.settings import WHATSAPP_API
from tests.unit.conftest import Load, error_of

COMPLETE = {
    "WHATSAPP_TOKEN": "EAAtestG2ZBpQZCxWhatsAppFakeZBTokenZCdY9rXkL0",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "WHATSAPP_APP_SECRET": "0123456789abcdef0123456789abcdef",
    "WHATSAPP_VERIFY_TOKEN": "my-verify-token",
}


pytestmark = pytest.mark.usefixtures("clean_environment")


def test_no_token_means_no_whatsapp(load: Load) -> None:
    assert load().whatsapp is None


def test_a_complete_set_turns_it_on_against_the_real_graph_api(load: Load) -> None:
    whatsapp = load(**COMPLETE).whatsapp
    assert whatsapp is not None
    assert whatsapp.phone_number_id == "106540352242922"
    assert whatsapp.api_base_url == WHATSAPP_API == "https://graph.facebook.com/v23.0"
    assert COMPLETE["WHATSAPP_TOKEN"] not in repr(whatsapp)  # secrets stay out of reprs
    assert COMPLETE["WHATSAPP_APP_SECRET"] not in repr(whatsapp)


def test_the_base_url_can_point_at_another_server(load: Load) -> None:
    whatsapp = load(**COMPLETE, WHATSAPP_API_BASE_URL="http://127.0.0.1:9999/v23.0/").whatsapp
    assert whatsapp is not None
    assert whatsapp.api_base_url == "http://127.0.0.1:9999/v23.0"


@pytest.mark.parametrize(
    "missing", ["WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"]
)
def test_each_companion_is_required_with_the_token(load: Load, missing: str) -> None:
    env = {k: v for k, v in COMPLETE.items() if k != missing}
    assert error_of(load, **env) == f"{missing}: required when WHATSAPP_TOKEN is set"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WHATSAPP_PHONE_NUMBER_ID", "+62 821 1000", "WHATSAPP_PHONE_NUMBER_ID: expected"),
        ("WHATSAPP_API_BASE_URL", "graph.facebook.com", "WHATSAPP_API_BASE_URL: expected"),
        ("WHATSAPP_TOKEN", "EAA with spaces", "WHATSAPP_TOKEN: expected"),
    ],
)
def test_bad_values_name_the_variable(load: Load, name: str, value: str, message: str) -> None:
    assert error_of(load, **{**COMPLETE, name: value}).startswith(message)


def test_config_defaults_follow_metas_limits(load: Load) -> None:
    limits = load().config.whatsapp
    assert (limits.messages_per_second, limits.recipient_messages_per_minute) == (80, 10)
    assert limits.window_hours == 24
    assert limits.template.name == "polres_pesan"
    assert dict(limits.template.languages) == {"id": "id", "en": "en"}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("whatsapp:\n  messages_per_second: 0\n", "whatsapp.messages_per_second: expected"),
        (
            "whatsapp:\n  template:\n    languages: {id: id}\n",
            "config.yml: whatsapp.template.languages: missing en",
        ),
        ("whatsapp:\n  template:\n    name: Polres Pesan\n", "config.yml: whatsapp.template.name"),
        ("whatsapp:\n  window: 24\n", "config.yml: unknown key whatsapp.window"),
    ],
)
def test_bad_config_names_the_key(load: Load, config: str, message: str) -> None:
    assert message in error_of(load, config)


def test_no_secret_shows_in_the_settings_repr(load: Load) -> None:
    telegram_token = "777000111:AAH6ffRSjg4ze7kO0MFsdNmZZhTnCzi_BU_"
    settings = load(
        **COMPLETE,
        TELEGRAM_BOT_TOKEN=telegram_token,
        TELEGRAM_MODE="webhook",
        TELEGRAM_WEBHOOK_SECRET="webhook-secret-42",
        POLRES_SECRET_KEY="k" * 40,
        DATABASE_URL="postgresql://polres:db-password@127.0.0.1/polres",
    )
    shown = repr(settings)
    for secret in (
        telegram_token,
        "webhook-secret-42",
        "k" * 40,
        "db-password",
        *COMPLETE.values(),
    ):
        if secret != COMPLETE["WHATSAPP_PHONE_NUMBER_ID"]:  # an id, not a secret
            assert secret not in shown
