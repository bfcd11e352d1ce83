"""Typed settings: non-secret ones from config.yml, secrets and endpoints from the environment.

`.env` beside config.yml is read first (python-dotenv); real environment variables win.
Every problem is a ConfigError whose message names the key.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

import yaml
from dotenv import load_dotenv

from bot.core.errors import ConfigError
from bot.core.sla import parse_span
from bot.core.subscriptions import TOPICS


@dataclass(frozen=True)
class Languages:
    default: str = "id"
    supported: tuple[str, ...] = ("id", "en")


@dataclass(frozen=True)
class Nlu:
    confidence_threshold: float = 0.5
    emergency_threshold: float = 0.3
    request_timeout_seconds: float = 10.0
    classify_concurrency: int = 8


@dataclass(frozen=True)
class Escalation:
    priority: Mapping[str, int] = field(
        default_factory=lambda: {
            "urgent": 1,
            "crime_report": 2,
            "question": 3,
            "feedback": 4,
            "other": 5,
        }
    )
    first_response: Mapping[str, str] = field(
        default_factory=lambda: {
            "urgent": "5m",
            "crime_report": "1h",
            "question": "4h",
            "feedback": "3wd",
            "other": "4h",
        }
    )


@dataclass(frozen=True)
class Channels:
    webchat: bool = True


@dataclass(frozen=True)
class Inbox:
    poll_seconds: float = 2.0
    concurrency: int = 16
    citizen_messages_per_minute: int = 30  # a flooding chat is answered at this pace


@dataclass(frozen=True)
class Outbox:
    poll_seconds: float = 0.5
    max_attempts: int = 8
    retry_base_seconds: float = 2.0


@dataclass(frozen=True)
class Shutdown:
    # On SIGTERM: stop accepting, finish the waiting messages and replies, exit within this.
    grace_seconds: float = 20.0


@dataclass(frozen=True)
class Rasa:
    startup_timeout_seconds: float = 240.0


@dataclass(frozen=True)
class TelegramLimits:
    """Telegram's documented flood limits for bots."""

    messages_per_second: int = 30
    chat_messages_per_second: int = 1
    group_messages_per_minute: int = 20


@dataclass(frozen=True)
class Review:
    """Which classified messages admins review, and how long they are kept."""

    confidence_below: float = 0.6  # messages classified below this are offered for review
    retention_days: int = 180  # after this, a message's text is masked and leaves the review


@dataclass(frozen=True)
class Models:
    """Model versions: when a candidate may replace the active model."""

    # Activation is refused when a metric drops by more than this (unless forced with a reason).
    tolerance: Mapping[str, float] = field(
        default_factory=lambda: {"category_macro_f1": 0.02, "urgent_recall": 0.0}
    )
    poll_seconds: float = 5.0  # how often `polres serve` looks for an activation from the CLI


@dataclass(frozen=True)
class DailyTip:
    """Every day at `at` (WIB), the next tip of a campaign to a topic's subscribers."""

    campaign: str  # data/campaigns/<campaign>.yml
    topic: str
    at: str = "07:00"


@dataclass(frozen=True)
class Broadcasts:
    poll_seconds: float = 2.0  # how often `polres serve` starts broadcasts whose time has come
    daily_tips: tuple[DailyTip, ...] = ()


@dataclass(frozen=True)
class WhatsAppTemplate:
    """The approved template sent outside WhatsApp's 24-hour window; its body has one
    parameter, filled with the message."""

    name: str = "polres_pesan"
    # The citizen's language → the template's language code in WhatsApp Manager.
    languages: Mapping[str, str] = field(default_factory=lambda: {"id": "id", "en": "en"})


@dataclass(frozen=True)
class WhatsAppLimits:
    """WhatsApp Cloud API limits and rules."""

    messages_per_second: int = 80  # per business phone number
    recipient_messages_per_minute: int = 10  # the pair rate (about 1 per 6 s), short bursts
    window_hours: int = 24  # free-form messages only this long after the citizen's last one
    template: WhatsAppTemplate = field(default_factory=WhatsAppTemplate)


@dataclass(frozen=True)
class Paths:
    rasa_project: Path = Path("rasa_project")
    models: Path = Path("rasa_project/models")
    rasa_venv: Path = Path(".venv-rasa")
    data: Path = Path("data")
    var: Path = Path("var")
    reports: Path = Path("reports")


@dataclass(frozen=True)
class FileConfig:
    """The shape of config.yml."""

    languages: Languages = field(default_factory=Languages)
    nlu: Nlu = field(default_factory=Nlu)
    escalation: Escalation = field(default_factory=Escalation)
    channels: Channels = field(default_factory=Channels)
    inbox: Inbox = field(default_factory=Inbox)
    outbox: Outbox = field(default_factory=Outbox)
    shutdown: Shutdown = field(default_factory=Shutdown)
    rasa: Rasa = field(default_factory=Rasa)
    telegram: TelegramLimits = field(default_factory=TelegramLimits)
    whatsapp: WhatsAppLimits = field(default_factory=WhatsAppLimits)
    review: Review = field(default_factory=Review)
    models: Models = field(default_factory=Models)
    broadcasts: Broadcasts = field(default_factory=Broadcasts)
    paths: Paths = field(default_factory=Paths)


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
    secret_key: str = field(repr=False)
    log_level: str
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
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({error.__class__.__name__})") from None
    config = _build(FileConfig, raw, "")
    _check(config)
    return Settings(
        root=root,
        config=config,
        database_url=database_url(os.environ.get("DATABASE_URL"), root / config.paths.var),
        rasa_urls=_rasa_urls(os.environ.get("RASA_URL")),
        host=os.environ.get("POLRES_HOST") or "127.0.0.1",
        port=_port(os.environ.get("POLRES_PORT")),
        secret_key=_secret_key(os.environ.get("POLRES_SECRET_KEY")),
        log_level=_log_level(os.environ.get("POLRES_LOG_LEVEL")),
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


def _log_level(value: str | None) -> str:
    level = (value or "INFO").upper()
    if level not in _LOG_LEVELS:
        raise ConfigError(
            f"POLRES_LOG_LEVEL: expected one of {', '.join(_LOG_LEVELS)}, got {value!r}"
        )
    return level


def _check(config: FileConfig) -> None:
    for n, tip in enumerate(config.broadcasts.daily_tips):
        if tip.topic not in TOPICS:
            raise ConfigError(f"config.yml: broadcasts.daily_tips[{n}].topic: one of {TOPICS}")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", tip.at):
            raise ConfigError(f"config.yml: broadcasts.daily_tips[{n}].at: expected HH:MM")
    nlu = config.nlu
    for name in ("confidence_threshold", "emergency_threshold"):
        if not 0.0 <= getattr(nlu, name) <= 1.0:
            raise ConfigError(f"config.yml: nlu.{name}: expected a number between 0 and 1")
    at_least_one = {
        "nlu.classify_concurrency": nlu.classify_concurrency,
        "inbox.concurrency": config.inbox.concurrency,
        "inbox.citizen_messages_per_minute": config.inbox.citizen_messages_per_minute,
        "telegram.messages_per_second": config.telegram.messages_per_second,
        "telegram.chat_messages_per_second": config.telegram.chat_messages_per_second,
        "telegram.group_messages_per_minute": config.telegram.group_messages_per_minute,
        "whatsapp.messages_per_second": config.whatsapp.messages_per_second,
        "whatsapp.recipient_messages_per_minute": config.whatsapp.recipient_messages_per_minute,
        "whatsapp.window_hours": config.whatsapp.window_hours,
    }
    for key, value in at_least_one.items():
        if value < 1:
            raise ConfigError(f"config.yml: {key}: expected at least 1")
    keys = {"urgent", "crime_report", "question", "feedback", "other"}
    for name in ("priority", "first_response"):
        missing = keys - set(getattr(config.escalation, name))
        if missing:
            raise ConfigError(
                f"config.yml: escalation.{name}: missing {', '.join(sorted(missing))}"
            )
    for category, span in config.escalation.first_response.items():
        try:
            parse_span(span)
        except ValueError as error:
            raise ConfigError(
                f"config.yml: escalation.first_response.{category}: {error}"
            ) from None
    if config.languages.default not in config.languages.supported:
        raise ConfigError("config.yml: languages.default: must be one of languages.supported")
    if not 0.0 <= config.review.confidence_below <= 1.0:
        raise ConfigError("config.yml: review.confidence_below: expected a number between 0 and 1")
    if config.review.retention_days < 1:
        raise ConfigError("config.yml: review.retention_days: expected at least 1")
    unknown = set(config.models.tolerance) - {"category_macro_f1", "urgent_recall"}
    if unknown:
        raise ConfigError(f"config.yml: unknown key models.tolerance.{sorted(unknown)[0]}")
    if any(not 0.0 <= value <= 1.0 for value in config.models.tolerance.values()):
        raise ConfigError("config.yml: models.tolerance: expected numbers between 0 and 1")
    template = config.whatsapp.template
    missing = set(config.languages.supported) - set(template.languages)
    if missing:
        raise ConfigError(
            f"config.yml: whatsapp.template.languages: missing {', '.join(sorted(missing))}"
        )
    if not re.fullmatch(r"[a-z0-9_]{1,512}", template.name):
        raise ConfigError(
            "config.yml: whatsapp.template.name: lower-case letters, digits and _ only"
        )


def _build(kind: Any, raw: Any, where: str) -> Any:
    """Check a YAML value against a type hint, naming the key on any mismatch."""
    label = where or "top level"
    if is_dataclass(kind):
        if not isinstance(raw, dict):
            raise ConfigError(f"config.yml: {label}: expected a mapping")
        hints = get_type_hints(kind)
        known = {f.name for f in fields(kind)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ConfigError(f"config.yml: unknown key {_join(where, str(unknown[0]))}")
        values = {name: _build(hints[name], raw[name], _join(where, name)) for name in raw}
        return kind(**values)  # type: ignore[operator]
    origin = get_origin(kind)
    if origin is tuple:
        if not isinstance(raw, list):
            raise ConfigError(f"config.yml: {label}: expected a list")
        item = get_args(kind)[0]
        return tuple(_build(item, value, f"{where}[{i}]") for i, value in enumerate(raw))
    if origin is Mapping:
        if not isinstance(raw, dict):
            raise ConfigError(f"config.yml: {label}: expected a mapping")
        value_kind = get_args(kind)[1]
        return {str(k): _build(value_kind, v, _join(where, str(k))) for k, v in raw.items()}
    return _scalar(kind, raw, label)


def _scalar(kind: Any, raw: Any, label: str) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
    elif kind is int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
    elif kind is float:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
    elif kind is str:
        if isinstance(raw, str):
            return raw
    elif kind is Path and isinstance(raw, str) and raw:
        return Path(raw)
    name = getattr(kind, "__name__", str(kind))
    raise ConfigError(f"config.yml: {label}: expected {name}, got {raw!r}")


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name
