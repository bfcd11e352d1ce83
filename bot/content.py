"""Load citizen-facing text and the intent table from data/."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.config_file import Office
from bot.core.aspects import AspectWords
from bot.core.content import FAQ_ACTIONS, Campaign, Content, FaqAnswer, IntentTable, Texts
from bot.core.errors import ContentError
from bot.core.evacuation import EvacuationPoint
from bot.core.safety import EmergencyKeywords
from bot.core.types import Category, IntentSpec, Location
from bot.core.words import undoubled_words

# A line of an FAQ answer that tells the office's address and numbers (config.yml `office`).
OFFICE_LINE = "{office}"


def load_content(data_dir: Path, languages: Iterable[str], office: Office | None = None) -> Content:
    languages = tuple(languages)
    texts = Texts(
        {lang: _flatten(_read(data_dir / "messages" / f"{lang}.yml")) for lang in languages}
    )
    office_lines = functools.partial(_office_lines, office or Office(), texts)
    aspect_words = _aspect_words(data_dir)
    faq: dict[str, FaqAnswer] = {}
    for path in sorted((data_dir / "faq").glob("*.yml")):
        raw = _read(path)
        topic = raw.get("topic")
        if topic != path.stem:
            raise ContentError(f"{path}: topic must be '{path.stem}', found {topic!r}")
        aspects: dict[str, dict[str, str]] = raw.get("aspects") or {}
        unknown = set(aspects) - aspect_words.names
        if unknown:
            raise ContentError(f"{path}: unknown aspects {sorted(unknown)} (data/aspects.yml)")
        parts = {"title": raw.get("title"), "answer": raw.get("answer")}
        parts |= {f"aspects.{aspect}": variants for aspect, variants in aspects.items()}
        for part, variants in parts.items():
            missing = [lang for lang in languages if not (variants or {}).get(lang)]
            if missing:
                raise ContentError(f"{path}: {part} is missing for {', '.join(missing)}")
        action = raw.get("action")
        if action is not None and action not in FAQ_ACTIONS:
            raise ContentError(f"{path}: action must be one of {', '.join(FAQ_ACTIONS)}")
        answer = _with_office(raw["answer"], office_lines)
        aspects = {name: _with_office(part, office_lines) for name, part in aspects.items()}
        names = _names(path, raw.get("names") or [])
        faq[topic] = FaqAnswer(topic, raw["title"], answer, aspects, action, names)
    named_twice = [name for name, count in Counter(_all_names(faq)).items() if count > 1]
    if named_twice:
        raise ContentError(f"data/faq: names given to two topics: {', '.join(named_twice)}")
    return Content(
        texts=texts,
        faq=faq,
        evacuation_points=_evacuation_points(data_dir),
        campaigns=_campaigns(data_dir, languages),
        aspect_words=aspect_words,
    )


def _names(path: Path, names: object) -> tuple[str, ...]:
    """A topic's names, each as its words joined by one space ("e-tilang" → "e tilang")."""
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ContentError(f"{path}: names must be a list of words or phrases")
    return tuple(" ".join(undoubled_words(name)) for name in names)


def _all_names(faq: Mapping[str, FaqAnswer]) -> list[str]:
    return [name for answer in faq.values() for name in answer.names]


def _office_lines(office: Office, texts: Texts, language: str) -> str:
    """The office's name, address and numbers as configured, or where to find them."""
    details = [
        texts.get(language, f"office.{name}", value=value)
        for name, value in (
            ("address", office.address),
            ("map_url", office.map_url),
            ("phone", office.phone),
            ("whatsapp", office.whatsapp),
            ("website", office.website),
        )
        if value.strip()
    ]
    if not details:
        return texts.get(language, "office.unknown")
    heading = texts.get(language, "office.heading", name=office.name.strip() or "Polres")
    return "\n".join([heading, *details])


def _with_office(variants: Mapping[str, str], office_lines: Callable[[str], str]) -> dict[str, str]:
    """An FAQ text by language, a line that is only `{office}` filled in."""
    return {
        language: "\n".join(
            office_lines(language) if line.strip() == OFFICE_LINE else line
            for line in str(text).split("\n")
        )
        for language, text in variants.items()
    }


def _aspect_words(data_dir: Path) -> AspectWords:
    path = data_dir / "aspects.yml"
    raw = _read(path) if path.is_file() else {}
    if any(not isinstance(words, list) or not words for words in raw.values()):
        raise ContentError(f"{path}: every aspect needs a list of words")
    return AspectWords({aspect: [str(word) for word in words] for aspect, words in raw.items()})


def _campaigns(data_dir: Path, languages: tuple[str, ...]) -> dict[str, Campaign]:
    campaigns: dict[str, Campaign] = {}
    for path in sorted((data_dir / "campaigns").glob("*.yml")):
        raw = _read(path)
        if raw.get("campaign") != path.stem:
            raise ContentError(f"{path}: campaign must be '{path.stem}'")
        parts = [raw.get("title") or {}, *(raw.get("tips") or [])]
        if len(parts) < 2 or any(not part.get(lang) for part in parts for lang in languages):
            raise ContentError(f"{path}: the title and every tip need {', '.join(languages)}")
        campaigns[path.stem] = Campaign(path.stem, raw["title"], tuple(raw["tips"]))
    return campaigns


def _evacuation_points(data_dir: Path) -> tuple[EvacuationPoint, ...]:
    path = data_dir / "evacuation_points.yml"
    if not path.is_file():
        return ()
    points = []
    for number, row in enumerate(_read(path).get("points") or [], start=1):
        try:
            location = Location.checked(row["latitude"], row["longitude"])
            if location is None:
                raise ValueError("latitude and longitude must be numbers within ±90 and ±180")
            capacity = row.get("capacity")
            points.append(
                EvacuationPoint(
                    name=str(row["name"]),
                    kecamatan=str(row["kecamatan"]),
                    kind=str(row["kind"]),
                    location=location,
                    capacity=int(capacity) if capacity is not None else None,
                )
            )
        except (KeyError, ValueError, TypeError) as error:
            raise ContentError(f"{path}: point {number} is invalid: {error}") from None
    return tuple(points)


def load_intents(data_dir: Path) -> IntentTable:
    path = data_dir / "intents.yml"
    raw = _read(path)
    specs: dict[str, IntentSpec] = {}
    for name, row in (raw.get("intents") or {}).items():
        try:
            specs[name] = IntentSpec(
                name=name,
                category=Category(row["category"]),
                handler=row["handler"],
                faq_topic=row.get("faq_topic"),
                urgent=bool(row.get("urgent", False)),
            )
        except (KeyError, ValueError, TypeError) as error:
            raise ContentError(f"{path}: intent {name}: {error}") from None
    return IntentTable(specs, fallback_intent=str(raw.get("fallback_intent")))


def load_emergency_keywords(data_dir: Path, intents: IntentTable) -> EmergencyKeywords:
    """data/emergency_keywords.yml: the safety net's words and the intent they stand for."""
    path = data_dir / "emergency_keywords.yml"
    raw = _read(path)
    intent = str(raw.get("intent"))
    if intent not in intents.specs or not intents.specs[intent].urgent:
        raise ContentError(f"{path}: intent must be an urgent intent of data/intents.yml")
    lists = (
        "now",
        "help",
        "lasting",
        "past",
        "over",
        "accident",
        "harm",
        "peril",
        "tended",
        "case",
    )
    return EmergencyKeywords(
        _words(path, raw, "keywords"),
        intents.specs[intent],
        **{f"{name}_words": _words(path, raw, f"{name}_words") for name in lists},
    )


def _words(path: Path, raw: dict[str, Any], name: str) -> list[str]:
    words = raw.get(name)
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ContentError(f"{path}: {name} must be a list of words or phrases")
    return words


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path} is missing") from None
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: not valid YAML ({error.__class__.__name__})") from None
    if not isinstance(raw, dict):
        raise ContentError(f"{path}: expected a mapping at the top")
    return raw


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat
