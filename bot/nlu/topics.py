"""A new FAQ topic from the dashboard: training examples, the domain's intent, the intent table's
row and the answers, written together (all of them or, on failure, none)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core.content import FAQ_ACTIONS, missing_figures
from bot.core.errors import ContentError, InvalidInput
from bot.nlu.annotations import atomic_write, example_line, normalised, render_nlu
from bot.nlu.dataset import read_examples

TOPIC = re.compile(r"[a-z][a-z0-9_]{1,49}")
MIN_EXAMPLES = 5
MAX_EXAMPLE = 300
MAX_TITLE = 100
MAX_ANSWER = 4000  # one chat message (Telegram and WhatsApp cut at 4096)
MAX_SHORT_ANSWER = 1000  # a WhatsApp message with buttons holds 1,024 characters
_lock = threading.Lock()  # one topic at a time: each addition edits domain.yml and intents.yml


@dataclass(frozen=True)
class NewTopic:
    topic: str
    examples: Sequence[str]  # example phrases, as typed (one per line in the form)
    title: Mapping[str, str]  # per language
    answer: Mapping[str, str]
    # Short answers to parts of the topic (data/aspects.yml), by part, then by language.
    aspects: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    action: str | None = None  # a key of FAQ_ACTIONS: the button under the answer

    @property
    def intent(self) -> str:
        return f"faq_{self.topic}"


class TopicAuthor:
    """Adds FAQ topics to the Rasa project and data/; the bot answers them after the next
    training and activation."""

    def __init__(
        self, project_dir: Path, data_dir: Path, languages: Sequence[str] = ("id", "en")
    ) -> None:
        self.project_dir = project_dir
        self.data_dir = data_dir
        self.languages = tuple(languages)

    def nlu_file(self, topic: str) -> Path:
        return self.project_dir / "data" / "nlu" / f"topic_{topic}.yml"

    async def add(
        self,
        *,
        topic: str,
        examples: Sequence[str],
        title: Mapping[str, str],
        answer: Mapping[str, str],
        aspects: Mapping[str, Mapping[str, str]] | None = None,
        action: str | None = None,
    ) -> str:
        """Write the topic; returns its intent. Raises InvalidInput naming what is wrong,
        ContentError when the files cannot be read or written."""
        new = NewTopic(topic, tuple(examples), dict(title), dict(answer), aspects or {}, action)
        return await asyncio.to_thread(self.add_now, new)

    def add_now(self, new: NewTopic) -> str:
        with _lock:
            changes = self._changes(new)
            _write_all(changes)
        return new.intent

    def _changes(self, new: NewTopic) -> dict[Path, str]:
        """Every file's new content, checked before anything is written."""
        topic = _check_topic(new.topic)
        domain_path = self.project_dir / "domain.yml"
        intents_path = self.data_dir / "intents.yml"
        faq_path = self.data_dir / "faq" / f"{topic}.yml"
        domain, table = _read(domain_path), _read(intents_path)
        rows = table.get("intents") or {}
        if (
            new.intent in rows
            or new.intent in (domain.get("intents") or ())
            or topic in {row.get("faq_topic") for row in rows.values()}
            or faq_path.exists()
            or self.nlu_file(topic).exists()
        ):
            raise InvalidInput(f"topic {topic!r} already exists")
        examples = self._examples(new.examples)
        header = f"# FAQ topic {topic}, added from the dashboard.\n"
        return {
            faq_path: self._faq(topic, new),
            intents_path: _with_table_row(intents_path, new.intent, topic),
            domain_path: _with_domain_intent(domain_path, new.intent),
            self.nlu_file(topic): render_nlu({new.intent: examples}, header),
        }

    def _examples(self, typed: Sequence[str]) -> list[str]:
        lines = list({normalised(line): line for t in typed if (line := example_line(t))}.values())
        if len(lines) < MIN_EXAMPLES:
            raise InvalidInput(
                f"examples: at least {MIN_EXAMPLES} different phrases, one per line "
                f"(got {len(lines)})"
            )
        long = next((line for line in lines if len(line) > MAX_EXAMPLE), None)
        if long is not None:
            raise InvalidInput(f"examples: at most {MAX_EXAMPLE} characters each: {long[:40]}…")
        known = {normalised(e.text): e.intent for e in read_examples(self.project_dir)}
        for line in lines:
            if normalised(line) in known:
                raise InvalidInput(
                    f"example {line!r} is already an example of {known[normalised(line)]}"
                )
        return lines

    def _faq(self, topic: str, new: NewTopic) -> str:
        titles = {lang: " ".join(new.title.get(lang, "").split()) for lang in self.languages}
        answers = {lang: _answer_text(new.answer.get(lang, "")) for lang in self.languages}
        for lang in self.languages:
            if not 0 < len(titles[lang]) <= MAX_TITLE:
                raise InvalidInput(f"title ({lang}): 1-{MAX_TITLE} characters")
            if not 0 < len(answers[lang]) <= MAX_ANSWER:
                raise InvalidInput(f"answer ({lang}): 1-{MAX_ANSWER} characters")
        short = self._short_answers(new.aspects, answers)
        if new.action and new.action not in FAQ_ACTIONS:
            raise InvalidInput(f"action: one of {', '.join(FAQ_ACTIONS)}, or none")
        title_lines = yaml.safe_dump(titles, allow_unicode=True, sort_keys=False, width=10**6)
        lines = [f"topic: {topic}", "title:", *(f"  {line}" for line in title_lines.splitlines())]
        lines += ["answer:", *_literal_blocks(answers, "  ")]
        if new.action:
            lines.append(f"action: {new.action}")
        if short:
            lines.append("aspects:")
            for aspect, texts in short.items():
                lines += [f"  {aspect}:", *_literal_blocks(texts, "    ")]
        content = "\n".join(lines) + "\n"
        expected: dict[str, Any] = {
            "topic": topic,
            "title": titles,
            "answer": _with_newlines(answers),
        }
        if new.action:
            expected["action"] = new.action
        if short:
            expected["aspects"] = {aspect: _with_newlines(texts) for aspect, texts in short.items()}
        if yaml.safe_load(content) != expected:
            raise InvalidInput(
                "the title or answer cannot be written as YAML: check odd characters"
            )
        return content

    def _short_answers(
        self, typed: Mapping[str, Mapping[str, str]], answers: Mapping[str, str]
    ) -> dict[str, dict[str, str]]:
        """The short answers filled in, in data/aspects.yml's order: each in every language,
        stating no figure its full answer lacks."""
        known = list(_read(self.data_dir / "aspects.yml"))
        unknown = sorted(set(typed) - set(known))
        if unknown:
            raise InvalidInput(f"unknown parts {unknown}: the parts are {', '.join(known)}")
        short: dict[str, dict[str, str]] = {}
        for aspect in (a for a in known if a in typed):
            texts = {lang: _answer_text(typed[aspect].get(lang, "")) for lang in self.languages}
            if not any(texts.values()):
                continue
            for lang, text in texts.items():
                if not 0 < len(text) <= MAX_SHORT_ANSWER:
                    raise InvalidInput(
                        f"short answer {aspect} ({lang}): 1-{MAX_SHORT_ANSWER} characters, "
                        "in every language or in none"
                    )
                missing = missing_figures(text, answers[lang])
                if missing:
                    raise InvalidInput(
                        f"short answer {aspect} ({lang}) states {', '.join(sorted(missing))}, "
                        "which the answer does not: a figure must be the same in both"
                    )
            short[aspect] = texts
        return short


def _literal_blocks(texts: Mapping[str, str], indent: str) -> list[str]:
    """`lang: |` blocks of YAML, one per language, at `indent`."""
    lines = []
    for lang, text in texts.items():
        lines.append(f"{indent}{lang}: |")
        lines += [f"{indent}  {line}" if line else "" for line in text.split("\n")]
    return lines


def _with_newlines(texts: Mapping[str, str]) -> dict[str, str]:
    """Texts as a `|` block reads them back: with their final newline."""
    return {lang: text + "\n" for lang, text in texts.items()}


def _check_topic(topic: str) -> str:
    if not TOPIC.fullmatch(topic):
        raise InvalidInput(
            "topic: 2-50 characters of a-z, 0-9 and _, starting with a letter (e.g. pajak_kendaraan)"
        )
    if yaml.safe_load(topic) != topic:
        raise InvalidInput(f"topic: {topic!r} is a YAML keyword, choose another name")
    return topic


def _answer_text(text: str) -> str:
    """Lines without trailing spaces or control characters, no blank lines around."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    clean = ["".join(c if c.isprintable() else " " for c in line).rstrip() for line in lines]
    return "\n".join(clean).strip()


def _with_domain_intent(path: Path, intent: str) -> str:
    """domain.yml with `intent` added to its intents list, in alphabetical place."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    items = _block_lines(lines, "intents:", re.compile(r"(\s+)- (\S+)\s*$"))
    if not items:
        raise ContentError(f"{path}: expected an 'intents:' list of '  - name' lines")
    before = [i for i, match in items if match.group(2) < intent]
    at = before[-1] + 1 if before else items[0][0]
    lines.insert(at, f"{items[0][1].group(1)}- {intent}\n")
    new = "".join(lines)
    expected = yaml.safe_load(text)
    expected["intents"] = sorted([*expected["intents"], intent])
    _check_layout(path, new, expected, sort_intents=True)
    return new


def _with_table_row(path: Path, intent: str, topic: str) -> str:
    """intents.yml with a row for the new FAQ intent, after the other FAQ intents."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    rows = _block_lines(lines, "intents:", re.compile(r"  (\w+): \{.*\}\s*$"))
    if not rows:
        raise ContentError(f"{path}: expected an 'intents:' mapping of one-line rows")
    faq_rows = [i for i, match in rows if match.group(1).startswith("faq_")]
    at = (faq_rows or [i for i, _ in rows])[-1] + 1
    lines.insert(at, f"  {intent}: {{category: question, faq_topic: {topic}, handler: faq}}\n")
    new = "".join(lines)
    expected = yaml.safe_load(text)
    expected["intents"][intent] = {"category": "question", "faq_topic": topic, "handler": "faq"}
    _check_layout(path, new, expected)
    return new


def _block_lines(
    lines: Sequence[str], heading: str, item: re.Pattern[str]
) -> list[tuple[int, re.Match[str]]]:
    """The consecutive lines matching `item` right under the top-level `heading` line."""
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    found: list[tuple[int, re.Match[str]]] = []
    if start is None:
        return found
    for index in range(start + 1, len(lines)):
        match = item.match(lines[index])
        if match is None:
            break
        found.append((index, match))
    return found


def _check_layout(path: Path, new: str, expected: Any, sort_intents: bool = False) -> None:
    """The edited text reads as the intended data, else the file is laid out unlike ours."""
    parsed = yaml.safe_load(new)
    if sort_intents and isinstance(parsed, dict) and isinstance(parsed.get("intents"), list):
        parsed["intents"] = sorted(parsed["intents"])
    if parsed != expected:
        raise ContentError(f"{path}: the file's layout is unexpected; add the topic by hand")


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"cannot read {path}: {error}") from None
    if not isinstance(raw, dict):
        raise ContentError(f"{path}: expected a mapping at the top")
    return raw


def _write_all(changes: Mapping[Path, str]) -> None:
    """Write the files in order; if one fails, put back the ones already written."""
    written: dict[Path, str | None] = {}
    for path, content in changes.items():
        try:
            original = path.read_text(encoding="utf-8") if path.exists() else None
            atomic_write(path, content)
        except OSError as error:
            for done, before in reversed(written.items()):
                with contextlib.suppress(OSError):
                    if before is None:
                        done.unlink()
                    else:
                        atomic_write(done, before)
            raise ContentError(f"cannot write {path}: {error.strerror or error}") from None
        written[path] = original
