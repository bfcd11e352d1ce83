"""A fake `rasa` executable: `train nlu` copies its training file into the "model"; `run` serves
/status and a /model/parse that picks the intent from the text's first word."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

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


def install_fake_rasa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> Path:
    """tmp_path/bin/rasa running `script`; it logs its calls to tmp_path/calls.jsonl."""
    executable = tmp_path / "bin" / "rasa"
    executable.parent.mkdir()
    executable.write_text(script)
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("FAKE_RASA_CALLS", str(tmp_path / "calls.jsonl"))
    return executable


@pytest.fixture
def fake_rasa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return install_fake_rasa(tmp_path, monkeypatch, FAKE_RASA)
