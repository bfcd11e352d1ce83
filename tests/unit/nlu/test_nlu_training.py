import json
import re
import sys
from pathlib import Path

import pytest

from bot.core.errors import PolresError
from bot.nlu.training import data_fingerprint, model_path, train
from tests.unit.nlu.conftest import install_fake_rasa

# Stands in for `rasa train nlu`: records its arguments and environment, then writes
# <out>/<fixed-model-name>.tar.gz, or fails when FAKE_RASA_FAIL is set.
FAKE_TRAINING = f"""#!{sys.executable}
import json, os, pathlib, sys
args = sys.argv[1:]
option = dict(zip(args[2::2], args[3::2]))
pathlib.Path(os.environ["FAKE_RASA_CALLS"]).open("a").write(
    json.dumps({{"args": args, "cwd": os.getcwd(), "env": {{
        k: os.environ.get(k) for k in ("RASA_TELEMETRY_ENABLED", "TF_CPP_MIN_LOG_LEVEL",
        "PYTHONWARNINGS", "SQLALCHEMY_SILENCE_UBER_WARNING")}}}}) + "\\n")
print("Epochs: 100%")
if os.environ.get("FAKE_RASA_FAIL"):
    print("Traceback (most recent call last):", file=sys.stderr)
    print("rasa.shared.exceptions.YamlSyntaxException: bad nlu.yml", file=sys.stderr)
    sys.exit(1)
pathlib.Path(option["--out"], option["--fixed-model-name"] + ".tar.gz").write_bytes(b"model")
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "rasa_project"
    (project / "data" / "nlu").mkdir(parents=True)
    (project / "config.yml").write_text("language: id\n")
    (project / "domain.yml").write_text('version: "3.1"\nintents:\n  - greet\n')
    (project / "data" / "nlu" / "other.yml").write_text("nlu:\n- intent: greet\n")
    return project


@pytest.fixture
def fake_rasa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return install_fake_rasa(tmp_path, monkeypatch, FAKE_TRAINING)


def calls(tmp_path: Path) -> list[dict[str, object]]:
    path = tmp_path / "calls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_fingerprint_is_stable_and_follows_the_data(project: Path) -> None:
    first = data_fingerprint(project)
    assert re.fullmatch(r"[0-9a-f]{12}", first)
    assert data_fingerprint(project) == first

    (project / "models").mkdir()
    (project / "models" / "old.tar.gz").write_bytes(b"x")
    (project / "data" / "nlu" / "notes.txt").write_text("not training data")
    assert data_fingerprint(project) == first

    (project / "data" / "nlu" / "other.yml").write_text("nlu:\n- intent: goodbye\n")
    changed = data_fingerprint(project)
    assert changed != first

    (project / "data" / "nlu" / "more.yml").write_text("nlu: []\n")
    added = data_fingerprint(project)
    assert added not in {first, changed}

    (project / "config.yml").write_text("language: en\n")
    assert data_fingerprint(project) not in {first, changed, added}


def test_fingerprint_of_an_incomplete_project_is_a_readable_error(project: Path) -> None:
    (project / "domain.yml").unlink()

    with pytest.raises(PolresError, match=r"cannot read Rasa project file .*domain\.yml: No such"):
        data_fingerprint(project)


def test_model_path_is_named_by_fingerprint(project: Path, tmp_path: Path) -> None:
    path = model_path(project, tmp_path / "models")

    assert path == tmp_path / "models" / f"nlu-{data_fingerprint(project)}.tar.gz"


async def test_train_runs_rasa_and_then_reuses_the_model(
    project: Path, fake_rasa: Path, tmp_path: Path
) -> None:
    models = tmp_path / "models"

    path = await train(project, models, fake_rasa)

    assert path == model_path(project, models)
    assert path.read_bytes() == b"model"
    [call] = calls(tmp_path)
    args = call["args"]
    assert isinstance(args, list)
    assert args[:2] == ["train", "nlu"]
    assert args[args.index("--config") + 1] == str(project / "config.yml")
    assert args[args.index("--nlu") + 1] == str(project / "data" / "nlu")
    assert args[args.index("--fixed-model-name") + 1] == path.name.removesuffix(".tar.gz")
    assert call["env"] == {
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONWARNINGS": "ignore",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    log = models / f"nlu-{data_fingerprint(project)}.log"
    assert "Epochs: 100%" in log.read_text()
    assert sorted(models.iterdir()) == [log, path]

    assert await train(project, models, fake_rasa) == path
    assert len(calls(tmp_path)) == 1

    assert await train(project, models, fake_rasa, force=True) == path
    assert len(calls(tmp_path)) == 2


async def test_train_with_own_data_and_name(project: Path, fake_rasa: Path, tmp_path: Path) -> None:
    split = tmp_path / "split" / "train.yml"
    log = tmp_path / "logs" / "train.log"

    path = await train(
        project, tmp_path / "eval", fake_rasa, nlu_path=split, fixed_name="eval-1", log_path=log
    )

    assert path == tmp_path / "eval" / "eval-1.tar.gz"
    [call] = calls(tmp_path)
    args = call["args"]
    assert isinstance(args, list)
    assert args[args.index("--nlu") + 1] == str(split)
    assert log.exists()


async def test_failed_training_names_the_log_and_its_tail(
    project: Path, fake_rasa: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RASA_FAIL", "1")
    models = tmp_path / "models"

    with pytest.raises(PolresError) as raised:
        await train(project, models, fake_rasa)

    message = str(raised.value)
    assert "exit code 1" in message
    assert str(models / f"nlu-{data_fingerprint(project)}.log") in message
    assert "YamlSyntaxException: bad nlu.yml" in message
    assert "\n" not in message
    assert not model_path(project, models).exists()
    assert [p.suffix for p in models.iterdir()] == [".log"]


async def test_missing_executable_is_a_readable_error(project: Path, tmp_path: Path) -> None:
    with pytest.raises(PolresError, match="cannot start Rasa"):
        await train(project, tmp_path / "models", tmp_path / "no" / "rasa")
