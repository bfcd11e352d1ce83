"""TopicAuthor: a new FAQ topic from the dashboard, on a copy of the project's files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import load_content, load_intents
from bot.core.errors import ContentError, InvalidInput
from bot.core.types import Category, IntentSpec
from bot.nlu import topics
from bot.nlu.annotations import atomic_write
from bot.nlu.dataset import read_examples
from bot.nlu.topics import NewTopic, TopicAuthor
from handlers import HANDLERS

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ("id", "en")
EXAMPLES = (
    "cara bayar pajak motor",
    "pajak kendaraan bisa dibayar online?",
    "  telat bayar pajak   motor dendanya berapa ",
    "",
    "how do I pay my vehicle tax",
    "samsat buka jam berapa",
    "samsat buka jam berapa",  # the same again
)


@pytest.fixture
def author(tmp_path: Path) -> TopicAuthor:
    (tmp_path / "rasa_project").mkdir()
    shutil.copy(ROOT / "rasa_project" / "domain.yml", tmp_path / "rasa_project" / "domain.yml")
    shutil.copytree(ROOT / "rasa_project" / "data", tmp_path / "rasa_project" / "data")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return TopicAuthor(tmp_path / "rasa_project", tmp_path / "data", LANGUAGES)


def topic(**changes: Any) -> dict[str, Any]:
    """The dashboard form's fields for a new topic."""
    fields: dict[str, Any] = {
        "topic": "pajak_kendaraan",
        "examples": EXAMPLES,
        "title": {"id": "Pajak kendaraan", "en": "Vehicle tax"},
        "answer": {
            "id": "Bayar pajak di Samsat: bawa KTP dan STNK.\n\n• Samsat keliling: cek jadwal",
            "en": "Pay at Samsat: bring your KTP and STNK.",
        },
    }
    fields.update(changes)
    return fields


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


async def test_a_new_topic_is_written_to_all_four_places(author: TopicAuthor) -> None:
    domain, table = author.project_dir / "domain.yml", author.data_dir / "intents.yml"
    domain_before, table_before = lines(domain), lines(table)

    assert await author.add(**topic()) == "faq_pajak_kendaraan"

    added_to_domain = [line for line in lines(domain) if line not in domain_before]
    assert added_to_domain == ["  - faq_pajak_kendaraan"]
    assert yaml.safe_load(domain.read_text())["intents"] == sorted(
        yaml.safe_load(domain.read_text())["intents"]
    )
    added_to_table = [line for line in lines(table) if line not in table_before]
    assert added_to_table == [
        "  faq_pajak_kendaraan: {category: question, faq_topic: pajak_kendaraan, handler: faq}"
    ]
    assert lines(table).index(added_to_table[0]) == table_before.index("  cek_status: {category: question, faq_topic: cek_status, handler: status}")  # fmt: skip
    intents = load_intents(author.data_dir)
    assert intents.specs["faq_pajak_kendaraan"] == IntentSpec(
        "faq_pajak_kendaraan", Category.QUESTION, "faq", "pajak_kendaraan", False
    )
    content = load_content(author.data_dir, LANGUAGES)
    assert content.faq["pajak_kendaraan"].title == {"id": "Pajak kendaraan", "en": "Vehicle tax"}
    assert content.faq_answer("pajak_kendaraan", "id") == (
        "Bayar pajak di Samsat: bawa KTP dan STNK.\n\n• Samsat keliling: cek jadwal\n"
    )
    assert (
        content.faq_answer("pajak_kendaraan", "en") == "Pay at Samsat: bring your KTP and STNK.\n"
    )
    assert [e.text for e in read_examples(author.project_dir) if e.intent == "faq_pajak_kendaraan"] == [
        "cara bayar pajak motor",
        "pajak kendaraan bisa dibayar online?",
        "telat bayar pajak motor dendanya berapa",
        "how do I pay my vehicle tax",
        "samsat buka jam berapa",
    ]  # fmt: skip
    assert (
        author.nlu_file("pajak_kendaraan")
        .read_text()
        .startswith("# FAQ topic pajak_kendaraan, added from the dashboard.\n")
    )


async def test_short_answers_and_an_action_are_written_with_the_topic(author: TopicAuthor) -> None:
    short = {
        "where": {"id": "Di Samsat atau Samsat keliling.", "en": "At Samsat or mobile Samsat."},
        "cost": {"id": " ", "en": ""},  # left empty: no short answer
        "requirements": {"id": "Bawa KTP dan STNK.\n\n• asli", "en": "Bring KTP and STNK."},
    }
    await author.add(**topic(aspects=short, action="report"))

    faq = load_content(author.data_dir, LANGUAGES).faq["pajak_kendaraan"]
    assert faq.action == "report"
    # In data/aspects.yml's order, as the loader and the bot read them.
    assert list(faq.aspects) == ["requirements", "where"]
    assert faq.aspects["requirements"]["id"] == "Bawa KTP dan STNK.\n\n• asli\n"
    assert faq.focused(frozenset({"where"}), "en") == "At Samsat or mobile Samsat."


async def test_the_result_keeps_the_contract_between_domain_table_handlers_and_answers(
    author: TopicAuthor,
) -> None:
    await author.add(**topic())
    await author.add(**topic(topic="tes_urine", examples=[f"tes urine {i}" for i in range(5)]))

    domain = set(yaml.safe_load((author.project_dir / "domain.yml").read_text())["intents"])
    table = load_intents(author.data_dir)
    content = load_content(author.data_dir, LANGUAGES)
    assert domain == set(table.specs)
    assert {e.intent for e in read_examples(author.project_dir)} == domain
    assert {s.handler for s in table.specs.values()} <= set(HANDLERS)
    assert {s.faq_topic for s in table.specs.values() if s.faq_topic} == set(content.faq)


@pytest.mark.parametrize(
    ("new", "error"),
    [
        (topic(topic="Pajak"), "topic: 2-50 characters"),
        (topic(topic="1pajak"), "topic: 2-50 characters"),
        (topic(topic="pajak-motor"), "topic: 2-50 characters"),
        (topic(topic="yes"), "YAML keyword"),
        (topic(topic="skck"), "topic 'skck' already exists"),
        (topic(topic="cek_status"), "topic 'cek_status' already exists"),
        (topic(examples=EXAMPLES[:5]), r"at least 5 different phrases, one per line \(got 4\)"),
        (topic(examples=[*EXAMPLES, "x" * 301]), "at most 300 characters"),
        (
            topic(examples=[*EXAMPLES, "Cara  bikin SKCK gimana min"]),
            "'Cara bikin SKCK gimana min' is already an example of faq_skck",
        ),
        (topic(title={"id": "Pajak"}), r"title \(en\)"),
        (topic(answer={"id": "ada", "en": "  \n "}), r"answer \(en\)"),
        (topic(answer={"id": "x" * 4001, "en": "ok"}), r"answer \(id\): 1-4000 characters"),
        (topic(action="arrest"), "action: one of report, feedback, or none"),
        (topic(aspects={"price": {"id": "a", "en": "b"}}), r"unknown parts \['price'\]"),
        (
            topic(aspects={"cost": {"id": "Gratis.", "en": ""}}),
            r"short answer cost \(en\): 1-1000 characters, in every language or in none",
        ),
        (
            topic(aspects={"cost": {"id": "Biaya Rp50.000.", "en": "Fee Rp50,000."}}),
            r"short answer cost \(id\) states 000, 50, which the answer does not",
        ),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_written(
    author: TopicAuthor, tmp_path: Path, new: dict[str, Any], error: str
) -> None:
    before = snapshot(tmp_path)
    with pytest.raises(InvalidInput, match=error):
        await author.add(**new)
    assert snapshot(tmp_path) == before


async def test_a_topic_cannot_be_added_twice(author: TopicAuthor) -> None:
    await author.add(**topic())
    with pytest.raises(InvalidInput, match="already exists"):
        await author.add(**topic(examples=[f"lain {i}" for i in range(5)]))


async def test_a_failed_write_puts_back_what_was_written(
    author: TopicAuthor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(tmp_path)

    calls: list[Path] = []

    def failing_third(path: Path, content: str) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise PermissionError(13, "Permission denied")
        atomic_write(path, content)

    monkeypatch.setattr(topics, "atomic_write", failing_third)
    with pytest.raises(ContentError, match=r"cannot write .*domain\.yml: Permission denied"):
        await author.add(**topic())
    assert snapshot(tmp_path) == before


async def test_odd_characters_in_titles_and_answers_are_kept(author: TopicAuthor) -> None:
    answer = "Catatan: \"kutip\" & 'petik' #bukan-komentar\n  - menjorok\n\tdengan tab\r\nakhir  "
    await author.add(
        **topic(title={"id": "SKCK: 'baru' #1", "en": "- yes"}, answer={"id": answer, "en": "no"})
    )
    faq = load_content(author.data_dir, LANGUAGES).faq["pajak_kendaraan"]
    assert faq.title == {"id": "SKCK: 'baru' #1", "en": "- yes"}
    assert faq.answer == {
        "id": "Catatan: \"kutip\" & 'petik' #bukan-komentar\n  - menjorok\n dengan tab\nakhir\n",
        "en": "no\n",
    }


def test_a_domain_laid_out_differently_is_not_edited(author: TopicAuthor, tmp_path: Path) -> None:
    domain = author.project_dir / "domain.yml"
    domain.write_text('version: "3.1"\nintents: [greet, smalltalk]\n', encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(ContentError, match=r"domain\.yml: expected an 'intents:' list"):
        author.add_now(NewTopic(**topic()))
    assert snapshot(tmp_path) == before
