"""Typed settings: non-secret ones from config.yml (bot.config_file), secrets and endpoints from
the environment.

`.env` beside config.yml is read first (python-dotenv); real environment variables win.
Every problem is a ConfigError whose message names the key.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

from bot.config_file import FileConfig, read_config
from bot.core.errors import ConfigError


@dataclass(frozen=True)
class Telegram:
    """The Telegram channel, on when TELEGRAM_BOT_TOKEN is set."""

    token: str = field(repr=False)
    mode: str  # "webhook" or "polling"
    webhook_url: str | None
    webhook_secret: str | None = field(repr=False)
    api_base_url: str


@dataclass(frozen=True)
class WhatsApp:
    """The WhatsApp Cloud API channel, on when WHATSAPP_TOKEN is set."""

    token: str = field(repr=False)
    phone_number_id: str
    app_secret: str = field(repr=False)
    verify_token: str = field(repr=False)
    api_base_url: str


@dataclass(frozen=True)
class Settings:
    root: Path
    config: FileConfig
    database_url: str = field(repr=False)  # may hold a password
    rasa_urls: tuple[str, ...]  # RASA_URL, comma-separated; empty: polres runs its own Rasa
    host: str
    port: int
    secret_key: str = field(repr=False)  # keys the dashboard's session digests (bot.web.auth)
    log_level: str
    behind_proxy: bool = False  # POLRES_BEHIND_PROXY: clients' addresses from X-Forwarded-For
    telegram: Telegram | None = None
    whatsapp: WhatsApp | None = None

    def path(self, relative: Path) -> Path:
        return relative if relative.is_absolute() else self.root / relative

    @property
    def rasa_executable(self) -> Path:
        return self.path(self.config.paths.rasa_venv) / "bin" / "rasa"


ENV_VARIABLES = (
    "DATABASE_URL",
    "RASA_URL",
    "POLRES_HOST",
    "POLRES_PORT",
    "POLRES_SECRET_KEY",
    "POLRES_LOG_LEVEL",
    "POLRES_BEHIND_PROXY",
    "POLRES_CONFIG",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_MODE",
    "TELEGRAM_WEBHOOK_URL",
    "TELEGRAM_WEBHOOK_SECRET",
    "TELEGRAM_API_BASE_URL",
    "WHATSAPP_TOKEN",
    "WHATSAPP_PHONE_NUMBER_ID",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
    "WHATSAPP_API_BASE_URL",
)
TELEGRAM_API = "https://api.telegram.org/bot"
WHATSAPP_API = "https://graph.facebook.com/v23.0"
_TELEGRAM_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]{20,}")
_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


def load_settings(config_path: Path | None = None) -> Settings:
    path = config_path or Path(os.environ.get("POLRES_CONFIG") or "config.yml")
    if not path.is_file():
        raise ConfigError(
            f"config file {path} not found: run polres from the project folder or set POLRES_CONFIG"
        )
    root = path.resolve().parent
    load_dotenv(root / ".env", override=False)
    config = read_config(path)
    return Settings(
        root=root,
        config=config,
        database_url=database_url(os.environ.get("DATABASE_URL"), root / config.paths.var),
        rasa_urls=_rasa_urls(os.environ.get("RASA_URL")),
        host=os.environ.get("POLRES_HOST") or "127.0.0.1",
        port=_port(os.environ.get("POLRES_PORT")),
        secret_key=_secret_key(os.environ.get("POLRES_SECRET_KEY")),
        log_level=_log_level(os.environ.get("POLRES_LOG_LEVEL")),
        behind_proxy=_flag("POLRES_BEHIND_PROXY"),
        telegram=_telegram(),
        whatsapp=_whatsapp(),
    )


def database_url(value: str | None, var_dir: Path) -> str:
    """Normalise DATABASE_URL to an async driver; default a SQLite file under var/."""
    if not value:
        return f"sqlite+aiosqlite:///{var_dir / 'polres.db'}"
    scheme, sep, rest = value.partition("://")
    if not sep or scheme not in _DRIVERS:
        got = f"scheme '{scheme}'" if sep else "no scheme"
        raise ConfigError(
            f"DATABASE_URL: expected sqlite:///path or postgresql+asyncpg://user@host/db, got {got}"
        )
    return f"{_DRIVERS[scheme]}://{rest}"


def _rasa_urls(value: str | None) -> tuple[str, ...]:
    urls = tuple(part.strip().rstrip("/") for part in (value or "").split(",") if part.strip())
    for url in urls:
        if not _is_url(url, ("http", "https")):
            raise ConfigError(
                "RASA_URL: expected http(s) URLs such as http://127.0.0.1:5005 (several separated"
                f" by commas), got {url!r}"
            )
    return urls


def _telegram() -> Telegram | None:
    token = os.environ.get("TELEGRAM_BOT_TOKEN")
    if not token:
        return None
    if not _TELEGRAM_TOKEN.fullmatch(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN: expected a BotFather token such as 123456:ABC-…")
    webhook_url = os.environ.get("TELEGRAM_WEBHOOK_URL") or None
    mode = os.environ.get("TELEGRAM_MODE") or ("webhook" if webhook_url else "polling")
    if mode not in ("webhook", "polling"):
        raise ConfigError(f"TELEGRAM_MODE: expected webhook or polling, got {mode!r}")
    if webhook_url is not None and not _is_url(webhook_url, ("https",)):
        raise ConfigError(
            "TELEGRAM_WEBHOOK_URL: expected an https:// URL (Telegram calls no other)"
        )
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None
    if mode == "webhook" and secret is None:
        raise ConfigError("TELEGRAM_WEBHOOK_SECRET: required in webhook mode")
    if secret is not None and not _TELEGRAM_SECRET.fullmatch(secret):
        raise ConfigError("TELEGRAM_WEBHOOK_SECRET: 1-256 characters A-Z, a-z, 0-9, _ or -")
    base = os.environ.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API
    if not _is_url(base, ("http", "https")):
        raise ConfigError(f"TELEGRAM_API_BASE_URL: expected an http(s) URL, got {base!r}")
    return Telegram(token, mode, webhook_url, secret, base)


def _whatsapp() -> WhatsApp | None:
    token = os.environ.get("WHATSAPP_TOKEN")
    if not token:
        return None
    if any(c.isspace() for c in token):
        raise ConfigError("WHATSAPP_TOKEN: expected an access token without spaces")
    values: dict[str, str] = {}
    for name in ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"):
        value = os.environ.get(name)
        if not value:
            raise ConfigError(f"{name}: required when WHATSAPP_TOKEN is set")
        values[name] = value
    if not values["WHATSAPP_PHONE_NUMBER_ID"].isdigit():
        raise ConfigError(
            "WHATSAPP_PHONE_NUMBER_ID: expected the number's id (digits) from the Meta app"
        )
    base = (os.environ.get("WHATSAPP_API_BASE_URL") or WHATSAPP_API).rstrip("/")
    if not _is_url(base, ("http", "https")):
        raise ConfigError(f"WHATSAPP_API_BASE_URL: expected an http(s) URL, got {base!r}")
    return WhatsApp(
        token=token,
        phone_number_id=values["WHATSAPP_PHONE_NUMBER_ID"],
        app_secret=values["WHATSAPP_APP_SECRET"],
        verify_token=values["WHATSAPP_VERIFY_TOKEN"],
        api_base_url=base,
    )


def _is_url(value: str, schemes: tuple[str, ...]) -> bool:
    """A URL with one of these schemes, a host and (if any) a valid port."""
    parts = urlsplit(value)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    return parts.scheme in schemes and bool(parts.hostname) and port_ok


def _port(value: str | None) -> int:
    if not value:
        return 8080
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"POLRES_PORT: expected a port number 1-65535, got {value!r}")
    return int(value)


def _secret_key(value: str | None) -> str:
    if not value:
        return secrets.token_urlsafe(32)
    if len(value) < 32:
        raise ConfigError("POLRES_SECRET_KEY: must be at least 32 characters long")
    return value


def _flag(name: str) -> bool:
    value = (os.environ.get(name) or "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name}: expected true or false, got {value!r}")


def _log_level(value: str | None) -> str:
    level = (value or "INFO").upper()
    if level not in _LOG_LEVELS:
        raise ConfigError(
            f"POLRES_LOG_LEVEL: expected one of {', '.join(_LOG_LEVELS)}, got {value!r}"
        )
    return level
