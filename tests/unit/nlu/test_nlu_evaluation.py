"""evaluate() end to end with a fake `rasa` that trains and serves a keyword classifier."""

import json
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.core.content import IntentTable
from bot.core.errors import NluUnavailable
from bot.core.types import Category, IntentSpec
from bot.nlu.client import RasaClient
from bot.nlu.dataset import Example, read_nlu_yaml, split_examples, write_nlu_yaml
from bot.nlu.evaluation import (
    CONFUSION_PNG,
    TEST_SHARE,
    evaluate_model,
    predict,
    split_id,
    train_model,
)
from bot.nlu.training import data_fingerprint

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
def project(tmp_path: Path) -> Path:
    project = tmp_path / "rasa_project"
    (project / "config.yml").parent.mkdir()
    (project / "config.yml").write_text("language: id\n")
    (project / "domain.yml").write_text('version: "3.1"\n')
    examples = [
        *(Example(f"skck nomor {i}", "faq_skck") for i in range(10)),
        *(Example(f"halo {name}", "greet") for name in "abcde"),
        *(Example(f"tolong {i}", "emergency") for i in range(5)),
        Example("makasih", "thanks"),  # the only example: trained on
    ]
    write_nlu_yaml(examples, project / "data" / "nlu" / "nlu.yml")
    return project


async def test_a_model_is_trained_on_the_train_part_only(
    project: Path, fake_rasa: Path, tmp_path: Path
) -> None:
    model = await train_model(project, tmp_path / "models", fake_rasa)

    assert model.name == f"nlu-{data_fingerprint(project)}.tar.gz"
    trained = read_nlu_yaml(model)  # the fake "model" is the training file it was given
    train_split, test_split = split_examples(project, TEST_SHARE)
    assert set(trained) == set(train_split)
    assert not set(trained) & set(test_split)
    await train_model(project, tmp_path / "models", fake_rasa)  # unchanged data: reused
    assert len((tmp_path / "calls.jsonl").read_text().splitlines()) == 1


async def test_evaluation_serves_the_model_and_scores_the_held_out_part(
    project: Path, fake_rasa: Path, tmp_path: Path
) -> None:
    model = await train_model(project, tmp_path / "models", fake_rasa)

    metrics = await evaluate_model(model, project, INTENTS, fake_rasa, tmp_path / "eval")

    _, test_split = split_examples(project, TEST_SHARE)
    assert metrics["examples"] == len(test_split) > 0
    assert metrics["split"] == split_id(test_split)
    expected = {"skck": "faq_skck", "halo": "greet", "tolong": "emergency"}
    assert metrics["predictions"] == [
        [e.text, e.intent, expected.get(e.text.split()[0], "question_other")] for e in test_split
    ]
    assert json.dumps(metrics)  # stored as JSON
    assert (tmp_path / "eval" / CONFUSION_PNG).read_bytes().startswith(b"\x89PNG")


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
