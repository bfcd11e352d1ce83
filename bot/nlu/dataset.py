"""Rasa NLU training examples: read, split into train/test, write."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.errors import ContentError
from bot.nlu.training import nlu_files

# Rasa's inline annotations: [text](entity), [text](entity:value), [text]{...}, [text][{...}]
_ENTITY_ANNOTATION = re.compile(r"\[([^\]]+?)\](?:\([^)]*\)|\{[^}]*\}|\[.*?\])")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str


def strip_annotations(text: str) -> str:
    """`ada [maling](pelaku) di rumah` → `ada maling di rumah`."""
    return _ENTITY_ANNOTATION.sub(r"\1", text)


def read_nlu_yaml(path: Path) -> list[Example]:
    """The intent examples of one Rasa NLU YAML file (regexes, lookups, synonyms are skipped)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"cannot read NLU data {path}: {error}") from error
    examples = []
    for item in document.get("nlu") or ():
        if "intent" not in item:
            continue
        block = item.get("examples") or ""
        if isinstance(block, str):
            lines = [line[1:] for line in block.splitlines() if line.startswith("-")]
        else:  # the list form: `- text: ...` with metadata
            lines = [entry["text"] for entry in block]
        examples += [
            Example(strip_annotations(line.strip()), str(item["intent"]))
            for line in lines
            if line.strip()
        ]
    return examples


# Examples admins confirmed in the review (bot/nlu/annotations.py): always trained on, never
# held out, so a correction takes effect in the next model.
REVIEWED_FILE = "reviewed.yml"


def read_examples(project_dir: Path) -> list[Example]:
    """Every example in the project's data/nlu/*.yml, in file order."""
    return [example for path in nlu_files(project_dir) for example in read_nlu_yaml(path)]


def split_examples(
    project_dir: Path, test_share: float = 0.2
) -> tuple[list[Example], list[Example]]:
    """(train, test): the held-out split every model version is trained without and judged on.

    An example is held out when a hash of its text falls below `test_share`, so adding data
    never moves an existing example across; within an intent of two or more examples at least
    one is held out and one trained on. Reviewed examples are always trained on. Exact
    duplicates are kept once, so none can sit on both sides.
    """
    reviewed = [
        example
        for path in nlu_files(project_dir)
        if path.name == REVIEWED_FILE
        for example in read_nlu_yaml(path)
    ]
    base = [
        example
        for path in nlu_files(project_dir)
        if path.name != REVIEWED_FILE
        for example in read_nlu_yaml(path)
    ]
    by_intent: dict[str, list[Example]] = defaultdict(list)
    for example in dict.fromkeys(base):
        by_intent[example.intent].append(example)
    train: list[Example] = []
    test: list[Example] = []
    for intent in sorted(by_intent):
        ranked = sorted(by_intent[intent], key=_hash_fraction)
        held_out = sum(_hash_fraction(example) < test_share for example in ranked)
        held_out = min(max(held_out, 1), len(ranked) - 1) if len(ranked) > 1 else 0
        test += ranked[:held_out]
        train += ranked[held_out:]
    held = set(test)
    train += [example for example in dict.fromkeys(reviewed) if example not in held]
    return list(dict.fromkeys(train)), test


def _hash_fraction(example: Example) -> float:
    """A stable number in [0, 1) for the example's text."""
    return int(hashlib.sha256(example.text.encode()).hexdigest()[:12], 16) / 16**12


def write_nlu_yaml(examples: Iterable[Example], path: Path) -> None:
    """Write examples as a Rasa 3 NLU file, one block per intent."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        by_intent[example.intent].append(" ".join(example.text.split()))
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in texts]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
