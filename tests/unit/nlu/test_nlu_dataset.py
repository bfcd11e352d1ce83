from pathlib import Path

import yaml

from bot.nlu.dataset import Example, read_nlu_yaml, split_examples, write_nlu_yaml


def write_project(project: Path, files: dict[str, dict[str, list[str]]]) -> Path:
    for name, intents in files.items():
        write_nlu_yaml(
            [Example(text, intent) for intent, texts in intents.items() for text in texts],
            project / "data" / "nlu" / name,
        )
    return project


def test_reads_examples_and_strips_entity_annotations(tmp_path: Path) -> None:
    path = tmp_path / "nlu.yml"
    path.write_text(
        """version: "3.1"
nlu:
- intent: crime_report
  examples: |
    - motor saya dicuri di [pasar baru](lokasi)
    - ada [maling](pelaku:pencuri) di [jalan Diponegoro]{"entity": "lokasi", "role": "tkp"}
    -tanpa spasi
    - HP dijambret [dua]{"entity": "jumlah"} orang [kemarin][{"entity": "waktu"}]
- intent: greet
  examples:
  - text: halo min
    metadata: {sentiment: neutral}
- regex: nomor_laporan
  examples: |
    - PL-\\d+
- synonym: pencuri
  examples: |
    - maling
""",
        encoding="utf-8",
    )

    assert read_nlu_yaml(path) == [
        Example("motor saya dicuri di pasar baru", "crime_report"),
        Example("ada maling di jalan Diponegoro", "crime_report"),
        Example("tanpa spasi", "crime_report"),
        Example("HP dijambret dua orang kemarin", "crime_report"),
        Example("halo min", "greet"),
    ]


def test_written_yaml_reads_back(tmp_path: Path) -> None:
    examples = [
        Example("apa: syarat SKCK? #penting", "faq_skck"),
        Example('"tolong"  pak\tsekarang!', "emergency"),
        Example("- SIM hilang", "faq_sim"),
        Example("skck brp duit", "faq_skck"),
    ]
    path = tmp_path / "out" / "train.yml"

    write_nlu_yaml(examples, path)

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["version"] == "3.1"
    assert [item["intent"] for item in document["nlu"]] == ["faq_skck", "emergency", "faq_sim"]
    assert read_nlu_yaml(path) == [
        examples[0],
        examples[3],
        Example('"tolong" pak sekarang!', "emergency"),
        examples[2],
    ]


def test_split_holds_out_about_the_share_and_keeps_both_sides_per_intent(tmp_path: Path) -> None:
    project = write_project(
        tmp_path,
        {
            "a.yml": {
                "faq_skck": [f"skck {i}" for i in range(100)],
                "greet": ["halo", "hai", "pagi"],
            },
            "b.yml": {"thanks": ["makasih"], "faq_sim": ["sim 1", "sim 2"]},
        },
    )

    train, test = split_examples(project, test_share=0.2)

    def count(examples: list[Example], intent: str) -> int:
        return sum(example.intent == intent for example in examples)

    assert 10 <= count(test, "faq_skck") <= 30
    for intent in ("greet", "faq_sim"):
        assert count(test, intent) >= 1
        assert count(train, intent) >= 1
    assert (count(train, "thanks"), count(test, "thanks")) == (1, 0)  # one example: learn it
    assert set(train).isdisjoint(test)
    assert len(train) + len(test) == 106


def test_split_is_deterministic_and_never_moves_an_example_when_data_grows(
    tmp_path: Path,
) -> None:
    texts = [f"cara bikin skck nomor {i}" for i in range(40)]
    first = split_examples(write_project(tmp_path / "p1", {"q.yml": {"faq_skck": texts}}))
    again = split_examples(write_project(tmp_path / "p2", {"q.yml": {"faq_skck": texts[::-1]}}))
    more = [f"skck baru {i}" for i in range(30)]
    grown = split_examples(write_project(tmp_path / "p3", {"q.yml": {"faq_skck": [*texts, *more]}}))

    assert set(first[1]) == set(again[1])
    assert set(first[1]) <= set(grown[1])
    assert set(first[0]) <= set(grown[0])


def test_reviewed_examples_are_always_trained_on(tmp_path: Path) -> None:
    texts = [f"cara bikin skck nomor {i}" for i in range(40)]
    reviewed = [f"skck gmn caranya {i}" for i in range(40)]
    project = write_project(
        tmp_path, {"q.yml": {"faq_skck": texts}, "reviewed.yml": {"faq_skck": reviewed}}
    )

    train, test = split_examples(project, test_share=0.2)

    assert {e.text for e in train} >= set(reviewed)
    assert not {e.text for e in test} & set(reviewed)
    assert test  # the base data is still held out


def test_split_keeps_exact_duplicates_on_one_side(tmp_path: Path) -> None:
    project = write_project(
        tmp_path, {"q.yml": {"greet": ["halo", "halo", "hai", "pagi", "permisi", "sore"]}}
    )

    train, test = split_examples(project, test_share=0.5)

    assert sorted(e.text for e in train + test) == ["hai", "halo", "pagi", "permisi", "sore"]
