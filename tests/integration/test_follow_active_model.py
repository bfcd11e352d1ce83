"""`polres serve` follows the active model version: with RASA_URL (external Rasa servers, whose
model is loaded where they run) an activation still reloads the intent table and FAQ content."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import Services, open_services
from bot.nlu.topics import TopicAuthor
from bot.settings import ENV_VARIABLES, load_settings
from bot.storage.schema import upgrade
from tests.fakes.rasa_canned import CannedRasa

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "Jl. Merdeka No. 1"  # the office's, set in config.yml


@pytest.fixture
async def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Services]:
    """Services on a copy of the project's data and Rasa project, NLU answered by a stand-in."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(
        ROOT / "rasa_project", tmp_path / "rasa_project", ignore=shutil.ignore_patterns("models")
    )
    config = (ROOT / "config.yml").read_text(encoding="utf-8")
    (tmp_path / "config.yml").write_text(config.replace('address: ""', f'address: "{ADDRESS}"'))
    for name in ENV_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    async with CannedRasa() as rasa:
        monkeypatch.setenv("RASA_URL", rasa.url)
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'polres.db'}")
        settings = load_settings(tmp_path / "config.yml")
        await upgrade(settings.database_url)
        async with open_services(settings) as opened:
            yield opened


async def activate_a_version(services: Services, model_file: str) -> int:
    versions = services.retraining.versions
    version = await versions.start_training("fingerprint", "admin", "train.log")
    await versions.finish_training(version, model_file, 1.0)
    await versions.activate(version, "admin")
    return version


async def test_with_rasa_url_an_activation_reloads_the_intents_and_faq(
    services: Services, tmp_path: Path
) -> None:
    first = await activate_a_version(services, "nlu-first.tar.gz")
    assert await services.follow_once(None) == first
    await TopicAuthor(tmp_path / "rasa_project", tmp_path / "data").add(
        topic="parkir_liar",
        examples=[f"juru parkir liar di pasar {n} minta bayaran" for n in range(5)],
        title={"id": "Parkir liar", "en": "Illegal parking attendants"},
        answer={"id": "Laporkan juru parkir liar ke Polsek.", "en": "Report them to the Polsek."},
    )
    classifier = services.pipeline.classifier

    assert await services.follow_once(first) == first  # no new activation: nothing reloaded
    assert "parkir_liar" not in services.pipeline.content.faq
    assert "faq_parkir_liar" not in classifier.intents.specs

    second = await activate_a_version(services, "nlu-second.tar.gz")
    assert await services.follow_once(first) == second

    assert "parkir_liar" in services.pipeline.content.faq
    assert classifier.intents.spec("faq_parkir_liar").faq_topic == "parkir_liar"
    assert ADDRESS in services.pipeline.content.faq_answer("layanan_kantor", "id")  # still told
