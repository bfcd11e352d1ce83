"""config.yml: its shape (FileConfig, every key typed and defaulted), read and checked. Every
problem is a ConfigError whose message names the key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

import yaml

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
    dialog_emergency_threshold: float = 0.8
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
class Office:
    """The Polres office as citizens find and reach it, told in the answers about the office and
    its numbers (the `{office}` line of data/faq/); left empty, they point to its official
    accounts."""

    name: str = ""  # e.g. "Polres Contoh"
    address: str = ""
    map_url: str = ""  # a map link (https://…)
    phone: str = ""
    whatsapp: str = ""
    website: str = ""  # the official website or social media account


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
    office: Office = field(default_factory=Office)
    paths: Paths = field(default_factory=Paths)


def read_config(path: Path) -> FileConfig:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({error.__class__.__name__})") from None
    config: FileConfig = _build(FileConfig, raw, "")
    _check(config)
    return config


def _check(config: FileConfig) -> None:
    for n, tip in enumerate(config.broadcasts.daily_tips):
        if tip.topic not in TOPICS:
            raise ConfigError(f"config.yml: broadcasts.daily_tips[{n}].topic: one of {TOPICS}")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", tip.at):
            raise ConfigError(f"config.yml: broadcasts.daily_tips[{n}].at: expected HH:MM")
    nlu = config.nlu
    for name in ("confidence_threshold", "emergency_threshold", "dialog_emergency_threshold"):
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
    map_url = config.office.map_url
    if map_url and not re.fullmatch(r"https?://\S+", map_url):
        raise ConfigError("config.yml: office.map_url: expected a link starting with https://")
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
