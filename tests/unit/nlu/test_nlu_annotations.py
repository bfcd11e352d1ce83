"""ReviewedExamples: confirmed examples written to rasa_project/data/nlu/reviewed.yml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.core.errors import ContentError
from bot.nlu.annotations import ReviewedExamples, atomic_write, example_line
from bot.nlu.dataset import REVIEWED_FILE, Example, read_examples, read_nlu_yaml

ROOT = Path(__file__).resolve().parents[3]
EXISTING = """version: "3.1"
nlu:
- intent: faq_sim
  examples: |
    - cara perpanjang SIM
    - syarat bikin sim baru
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    nlu = tmp_path / "data" / "nlu"
    nlu.mkdir(parents=True)
    (nlu / "questions.yml").write_text(EXISTING, encoding="utf-8")
    return tmp_path


def reviewed(project: Path) -> str:
    return (project / "data" / "nlu" / REVIEWED_FILE).read_text(encoding="utf-8")


async def test_examples_are_grouped_by_intent_sorted_masked_and_deduplicated(
    project: Path,
) -> None:
    count = await ReviewedExamples(project).write(
        [
            ("motor  sy dibawa kabur", "crime_report"),
            ("Perpanjang sim dimana ya", "faq_sim"),
            ("  CARA PERPANJANG   sim ", "faq_sim"),  # already in questions.yml
            ("hubungi 081234567890, motor B 1234 ABC hilang", "crime_report"),
            ("Motor sy dibawa kabur", "crime_report"),  # the same, differently written
            ("ada begal", "crime_report"),
        ]
    )

    assert count == 4
    assert reviewed(project) == (
        "# Written by the dashboard's review page (Tinjauan NLU) from the examples admins confirmed\n"
        "# or corrected; rewritten after every review. Personal data is masked. Do not edit by hand.\n"
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: crime_report\n"
        "  examples: |\n"
        "    - ada begal\n"
        "    - hubungi [telepon], motor [plat] hilang\n"
        "    - Motor sy dibawa kabur\n"
        "- intent: faq_sim\n"
        "  examples: |\n"
        "    - Perpanjang sim dimana ya\n"
    )
    assert read_nlu_yaml(project / "data" / "nlu" / REVIEWED_FILE) == [
        Example("ada begal", "crime_report"),
        Example("hubungi [telepon], motor [plat] hilang", "crime_report"),
        Example("Motor sy dibawa kabur", "crime_report"),
        Example("Perpanjang sim dimana ya", "faq_sim"),
    ]


async def test_a_later_review_of_the_same_text_wins(project: Path) -> None:
    await ReviewedExamples(project).write(
        [("ada maling", "feedback"), ("Ada maling", "crime_report")]
    )
    assert read_nlu_yaml(project / "data" / "nlu" / REVIEWED_FILE) == [
        Example("Ada maling", "crime_report")
    ]


async def test_rewriting_replaces_the_file_and_no_examples_removes_it(project: Path) -> None:
    examples = ReviewedExamples(project)
    await examples.write([("ada maling", "crime_report")])
    await examples.write([("halo min", "greet")])
    assert "ada maling" not in reviewed(project)
    assert await examples.write([("syarat bikin SIM baru", "faq_sim")]) == 0
    assert not examples.path.exists()
    assert sorted(p.name for p in (project / "data" / "nlu").iterdir()) == ["questions.yml"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("baris\nbaru\tdan  spasi", "baris baru dan spasi"),
        ("kontrol\x00\x07 huruf", "kontrol huruf"),
        ("nomor [saya](telepon) ya", "nomor [saya] (telepon) ya"),
        ('pakai {"entity": "x"} dan [a]{"b": 1}', 'pakai {"entity": "x"} dan [a] {"b": 1}'),
        ("# bukan komentar: - | > ' \"", "# bukan komentar: - | > ' \""),
    ],
)
def test_citizen_text_becomes_one_literal_example_line(text: str, line: str) -> None:
    assert example_line(text) == line


async def test_odd_texts_are_read_back_exactly(project: Path) -> None:
    texts = ["# bukan komentar: - | > ' \"", "- daftar?", "nomor [saya](telepon)", "  ", "ü ñ 你好"]
    await ReviewedExamples(project).write([(text, "smalltalk") for text in texts])

    read = {e.text for e in read_nlu_yaml(project / "data" / "nlu" / REVIEWED_FILE)}
    assert read == {
        "# bukan komentar: - | > ' \"",
        "- daftar?",
        "nomor [saya] (telepon)",
        "ü ñ 你好",
    }


async def test_deduplicates_against_the_real_project_data(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rasa_project" / "data", tmp_path / "data")
    (tmp_path / "data" / "nlu" / REVIEWED_FILE).unlink(missing_ok=True)
    existing = read_examples(tmp_path)[0]

    count = await ReviewedExamples(tmp_path).write(
        [(existing.text.upper(), existing.intent), ("kalimat baru sekali", "smalltalk")]
    )

    assert count == 1
    assert read_nlu_yaml(tmp_path / "data" / "nlu" / REVIEWED_FILE) == [
        Example("kalimat baru sekali", "smalltalk")
    ]
    assert yaml.safe_load(reviewed(tmp_path))["version"] == "3.1"


def test_an_atomic_write_leaves_no_scratch_file_behind(tmp_path: Path) -> None:
    target = tmp_path / "a.yml"
    target.write_text("old", encoding="utf-8")
    atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    in_the_way = tmp_path / "b.yml"
    (in_the_way / "x").mkdir(parents=True)
    with pytest.raises(IsADirectoryError):
        atomic_write(in_the_way, "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yml", "b.yml"]


async def test_an_unwritable_file_is_a_content_error(project: Path) -> None:
    examples = ReviewedExamples(project)
    (examples.path / "in-the-way").mkdir(parents=True)
    with pytest.raises(ContentError, match=r"cannot write .*reviewed\.yml"):
        await examples.write([("ada maling", "crime_report")])
