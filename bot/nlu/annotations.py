"""Reviewed examples → rasa_project/data/nlu/reviewed.yml, training data admins confirmed.

The file is rewritten whole from the database after every review: grouped by intent, sorted,
without examples the other data/nlu files already hold, personal data masked.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import yaml

from bot.core.errors import ContentError
from bot.core.privacy import mask_personal_data
from bot.nlu.dataset import REVIEWED_FILE, read_nlu_yaml
from bot.nlu.training import nlu_files

HEADER = (
    "# Written by the dashboard's review page (Tinjauan NLU) from the examples admins confirmed\n"
    "# or corrected; rewritten after every review. Personal data is masked. Do not edit by hand.\n"
)
# "]" directly followed by "(", "{" or "[" would make Rasa read an entity annotation.
_ANNOTATION_START = re.compile(r"\](?=[({\[])")


def example_line(text: str) -> str:
    """One line of text a Rasa examples block keeps as written: whitespace and control
    characters collapsed to single spaces, no entity annotation syntax."""
    printable = "".join(c if c.isprintable() else " " for c in text)
    return _ANNOTATION_START.sub("] ", " ".join(printable.split()))


def normalised(text: str) -> str:
    """What makes two examples the same: case and whitespace do not count."""
    return " ".join(text.casefold().split())


def render_nlu(examples: Mapping[str, Sequence[str]], header: str = "") -> str:
    """A Rasa 3.1 NLU file, one block per intent, in the order given."""
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in examples.items():
        lines += [f"- intent: {intent}", "  examples: |", *(f"    - {text}" for text in texts)]
    content = header + "\n".join(lines) + "\n"
    parsed = [
        (block["intent"], [line[2:] for line in block["examples"].splitlines()])
        for block in yaml.safe_load(content)["nlu"]
    ]
    if parsed != [(intent, list(texts)) for intent, texts in examples.items()]:
        raise ContentError("an intent or example cannot be written as a Rasa NLU line")
    return content


def atomic_write(path: Path, content: str) -> None:
    """Write beside the target, then rename over it: readers see the old or the new file.
    (The scratch name does not end in .yml, so training never picks it up.)"""
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    ) as scratch:
        scratch.write(content)
    try:
        os.replace(scratch.name, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(scratch.name)
        raise


class ReviewedExamples:
    """rasa_project/data/nlu/reviewed.yml."""

    def __init__(self, project_dir: Path) -> None:
        self.project_dir = project_dir
        self.path = project_dir / "data" / "nlu" / REVIEWED_FILE

    async def write(self, examples: Iterable[tuple[str, str]]) -> int:
        """Rewrite the file from (text, intent) pairs, later ones winning for the same text;
        returns how many examples it holds (no examples: no file). Raises ContentError when
        the project's NLU files cannot be read or written."""
        return await asyncio.to_thread(self.write_now, list(examples))

    def write_now(self, examples: Iterable[tuple[str, str]]) -> int:
        known = {
            normalised(example.text)
            for path in nlu_files(self.project_dir)
            if path.name != REVIEWED_FILE
            for example in read_nlu_yaml(path)
        }
        latest: dict[str, tuple[str, str]] = {}
        for text, intent in examples:
            line = example_line(mask_personal_data(text))
            if line and normalised(line) not in known:
                latest[normalised(line)] = (line, intent)
        by_intent: dict[str, list[str]] = {}
        for line, intent in latest.values():
            by_intent.setdefault(intent, []).append(line)
        grouped = {
            intent: sorted(by_intent[intent], key=lambda t: (t.casefold(), t))
            for intent in sorted(by_intent)
        }
        try:
            if grouped:
                atomic_write(self.path, render_nlu(grouped, HEADER))
            else:
                self.path.unlink(missing_ok=True)
        except OSError as error:
            raise ContentError(f"cannot write {self.path}: {error.strerror or error}") from None
        return len(latest)
