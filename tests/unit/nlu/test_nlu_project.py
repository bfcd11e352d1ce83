"""The Rasa project in the repository is consistent with itself."""

from pathlib import Path

import yaml

from bot.nlu.dataset import read_examples

RASA_PROJECT = Path(__file__).resolve().parents[3] / "rasa_project"


def test_domain_lists_exactly_the_intents_in_the_training_data() -> None:
    domain = yaml.safe_load((RASA_PROJECT / "domain.yml").read_text(encoding="utf-8"))

    assert sorted(domain["intents"]) == sorted({e.intent for e in read_examples(RASA_PROJECT)})


def test_config_is_an_nlu_only_indonesian_pipeline() -> None:
    config = yaml.safe_load((RASA_PROJECT / "config.yml").read_text(encoding="utf-8"))

    assert config["language"] == "id"
    assert config["assistant_id"]
    assert not config.get("policies")
    [diet] = [c for c in config["pipeline"] if c["name"] == "DIETClassifier"]
    assert diet["entity_recognition"] is False
    assert isinstance(diet["random_seed"], int)
