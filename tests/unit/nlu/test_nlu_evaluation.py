"""evaluate() end to end with a fake `rasa` that trains and serves a keyword classifier."""

import json
import stat
import sys
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.core.content import IntentTable
from bot.core.errors import NluUnavailable
from bot.core.types import Category, IntentSpec
from bot.nlu.client import RasaClient
from bot.nlu.dataset import Example, read_nlu_yaml, write_nlu_yaml
from bot.nlu.evaluation import evaluate, predict

# `train nlu` copies the training file into the "model"; `run` serves /status and a
# /model/parse that picks the intent from the first word of the text.
FAKE_RASA = f"""#!{sys.executable}
import json, os, pathlib, shutil, sys
args = sys.argv[1:]
if args[:2] == ["train", "nlu"]:
    option = dict(zip(args[2::2], args[3::2]))
    with open(os.environ["FAKE_RASA_CALLS"], "a") as calls:
        calls.write(json.dumps(args) + "\\n")
    shutil.copy(option["--nlu"], pathlib.Path(option["--out"], option["--fixed-model-name"] + ".tar.gz"))
    sys.exit()
from aiohttp import web
KEYWORDS = {{"skck": "faq_skck", "halo": "greet", "tolong": "emergency"}}
args.remove("--enable-api")
option = dict(zip(args[1::2], args[2::2]))

async def parse(request):
    text = (await request.json())["text"]
    intent = KEYWORDS.get(text.split()[0], "question_other")
    return web.json_response({{"text": text, "intent": {{"name": intent, "confidence": 0.9}},
        "entities": [], "intent_ranking": [{{"name": intent, "confidence": 0.9}}]}})

async def status(request):
    return web.json_response({{"model_file": os.path.basename(option["--model"]),
                               "model_id": "x", "num_active_training_jobs": 0}})

app = web.Application()
app.router.add_post("/model/parse", parse)
app.router.add_get("/status", status)
web.run_app(app, host=option["--interface"], port=int(option["--port"]), print=None)
"""

INTENTS = IntentTable(
    {
        spec.name: spec
        for spec in [
            IntentSpec("faq_skck", Category.QUESTION, "faq", faq_topic="skck"),
            IntentSpec("question_other", Category.QUESTION, "fallback"),
            IntentSpec("emergency", Category.CRIME_REPORT, "emergency", urgent=True),
            IntentSpec("greet", Category.OTHER, "smalltalk"),
            IntentSpec("thanks", Category.OTHER, "smalltalk"),
        ]
    },
    fallback_intent="question_other",
)


@pytest.fixture
def fake_rasa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    executable = tmp_path / "bin" / "rasa"
    executable.parent.mkdir()
    executable.write_text(FAKE_RASA)
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("FAKE_RASA_CALLS", str(tmp_path / "calls.jsonl"))
    return executable


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "rasa_project"
    (project / "config.yml").parent.mkdir()
    (project / "config.yml").write_text("language: id\n")
    (project / "domain.yml").write_text('version: "3.1"\n')
    examples = [
        *(Example(f"skck nomor {i}", "faq_skck") for i in range(10)),
        *(Example(f"halo {name}", "greet") for name in "abcde"),
        *(Example(f"tolong {i}", "emergency") for i in range(5)),
        Example("makasih", "thanks"),  # the only example: held out, and misread
    ]
    write_nlu_yaml(examples, project / "data" / "nlu" / "nlu.yml")
    return project


async def test_evaluate_trains_serves_classifies_and_reports(
    project: Path, fake_rasa: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"

    report = await evaluate(project, reports, fake_rasa, INTENTS)

    # test split: 2 of 10 skck, 1 greet, 1 emergency, the lone thanks
    assert report.examples == 5
    assert report.intent_accuracy == 0.8
    assert report.urgent_recall == 1.0
    assert report.faq_topic_accuracy == 1.0
    train_split = read_nlu_yaml(reports / "split" / "train.yml")
    test_split = read_nlu_yaml(reports / "split" / "test.yml")
    assert (len(train_split), len(test_split)) == (16, 5)
    [call] = [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]
    assert call[call.index("--nlu") + 1] == str(reports / "split" / "train.yml")

    document = json.loads((reports / "evaluation.json").read_text())
    assert document["model"].startswith("eval-")
    assert document["intent_accuracy"] == 0.8
    assert document["per_intent"]["thanks"]["recall"] == 0.0
    assert document["misclassified"] == [
        {"text": "makasih", "gold": "thanks", "predicted": "question_other", "confidence": 0.9}
    ]
    assert (reports / "confusion_matrix.png").read_bytes().startswith(b"\x89PNG")


async def test_unchanged_project_is_not_trained_again(
    project: Path, fake_rasa: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"

    await evaluate(project, reports, fake_rasa, INTENTS)
    await evaluate(project, reports, fake_rasa, INTENTS)
    assert len((tmp_path / "calls.jsonl").read_text().splitlines()) == 1

    await evaluate(project, reports, fake_rasa, INTENTS, force=True)
    assert len((tmp_path / "calls.jsonl").read_text().splitlines()) == 2


async def echo_rasa(request: web.Request) -> web.Response:
    """/model/parse that names the intent after the text, and fails on "boom"."""
    text = (await request.json())["text"]
    if text == "boom":
        return web.json_response({"status": "failure", "code": 500}, status=500)
    return web.json_response({"text": text, "intent": {"name": text, "confidence": 1.0}})


async def status(request: web.Request) -> web.Response:
    return web.json_response({"model_file": "m.tar.gz"})


async def test_predict_keeps_order_and_raises_the_first_failure() -> None:
    app = web.Application()
    app.router.add_post("/model/parse", echo_rasa)
    app.router.add_get("/status", status)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with RasaClient(str(server.make_url("/"))) as client:
            examples = [Example(f"t{i}", "x") for i in range(30)]
            parses = await predict(client, examples, concurrency=4)
            assert [p.intent for p in parses] == [e.text for e in examples]

            with pytest.raises(NluUnavailable, match="HTTP 500"):
                await predict(client, [*examples, Example("boom", "x")], concurrency=4)
    finally:
        await server.close()
