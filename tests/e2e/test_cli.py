"""The `polres` command as a user runs it: errors, classify, chat, schema checks."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from bot.storage.schema import head
from tests.e2e.conftest import POLRES, ROOT, free_port, polres_env, run_polres
from tests.fakes.images import png

CLASSIFY_KEYS = ["text", "intent", "confidence", "category", "faq_topic", "urgent"]


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("POLRES_PORT", "eighty"),
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("RASA_URL", "ftp://rasa"),
        ("POLRES_SECRET_KEY", "short"),
        ("POLRES_LOG_LEVEL", "LOUD"),
    ],
)
def test_bad_environment_value_is_one_readable_error(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run_polres("tickets", "list", env=polres_env(tmp_path, **{variable: value}))
    assert_one_line_error(result, variable)


def test_unknown_config_key_is_named(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("nlu:\n  confidence_treshold: 0.4\n")
    result = run_polres("--config", str(config), "tickets", "list", env=polres_env(tmp_path))
    assert_one_line_error(result, "nlu.confidence_treshold")


def test_unreachable_rasa_is_named(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run_polres("classify", env=polres_env(tmp_path, RASA_URL=url), stdin="halo\n")
    assert_one_line_error(result, url)


def test_unreachable_database_is_named(tmp_path: Path) -> None:
    port = free_port()
    env = polres_env(tmp_path, DATABASE_URL=f"postgresql+asyncpg://nobody@127.0.0.1:{port}/x")
    result = run_polres("tickets", "list", env=env)
    assert_one_line_error(result, f"127.0.0.1:{port}")


def test_serve_refuses_an_outdated_schema(tmp_path: Path, rasa_url: str) -> None:
    env = polres_env(tmp_path, RASA_URL=rasa_url, POLRES_PORT=str(free_port()))
    result = run_polres("serve", env=env)
    assert_one_line_error(result, "polres db upgrade")


@pytest.mark.rasa
def test_classify_prints_one_json_object_per_line(tmp_path: Path, rasa_url: str) -> None:
    lines = [
        "syarat perpanjang SIM C apa aja min",
        "TOLONG ada maling masuk rumah saya sekarang",
        "pelayanan SKCK kemarin cepat sekali, terima kasih pak",
        "halo",
    ]
    source = tmp_path / "in.txt"
    source.write_text("\n".join(lines) + "\n")
    result = run_polres("classify", str(source), env=polres_env(tmp_path, RASA_URL=rasa_url))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [list(row) for row in rows] == [CLASSIFY_KEYS] * 4
    assert [row["text"] for row in rows] == lines
    assert (rows[0]["category"], rows[0]["faq_topic"]) == ("question", "sim")
    assert (rows[1]["category"], rows[1]["urgent"]) == ("crime_report", True)
    assert rows[2]["category"] == "feedback"
    assert (rows[3]["category"], rows[3]["faq_topic"]) == ("other", None)


@pytest.mark.rasa
def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path: Path, rasa_url: str) -> None:
    texts = tmp_path / "texts.txt"
    texts.write_text("syarat skck apa\n" * 50, encoding="utf-8")
    env = polres_env(tmp_path, RASA_URL=rasa_url)

    piped = subprocess.run(
        f"{shlex.quote(str(POLRES))} classify {shlex.quote(str(texts))} | head -n 1",
        shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert json.loads(piped.stdout)["intent"] == "faq_skck"
    assert piped.stderr == ""


def test_classify_starts_and_stops_its_own_rasa_when_rasa_url_is_unset(
    tmp_path: Path, rasa_model: Path
) -> None:
    result = run_polres(
        "classify", env=polres_env(tmp_path), stdin="cara bikin skck\n", timeout=400
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["faq_topic"] == "skck"


@pytest.mark.rasa
def test_console_chat(tmp_path: Path, rasa_url: str) -> None:
    env = polres_env(tmp_path, RASA_URL=rasa_url)
    assert run_polres("db", "upgrade", env=env).returncode == 0
    result = run_polres("chat", "--session", "tester", env=env, stdin="/start\n1\nbatal\n")
    assert result.returncode == 0, result.stderr
    assert "[1] Lapor kejadian" in result.stdout
    assert "Silakan ceritakan apa yang terjadi" in result.stdout
    assert "dibatalkan" in result.stdout


def test_db_upgrade_says_what_it_did(tmp_path: Path) -> None:
    env = polres_env(tmp_path)
    first, again = run_polres("db", "upgrade", env=env), run_polres("db", "upgrade", env=env)
    assert first.stdout == f"database schema upgraded from an empty database to {head()}\n"
    assert again.stdout == f"database schema is up to date ({head()})\n"


def test_user_add_and_disable(tmp_path: Path) -> None:
    env = polres_env(tmp_path)
    assert run_polres("db", "upgrade", env=env).returncode == 0

    def add(name: str, password: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return run_polres("user", "add", name, "--password-stdin", *extra, env=env, stdin=password)

    added = run_polres(
        "user", "add", "Siti", "--role", "admin", "--password-stdin", env=env, stdin="rahasia-123\n"
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "added admin siti"
    assert_one_line_error(add("siti", "rahasia-456\n"), "already exists")
    assert_one_line_error(add("budi", "pendek\n"), "at least 10 characters")
    assert_one_line_error(add("b<script>", "rahasia-456\n"), "username")
    no_terminal = run_polres("user", "add", "budi", env=env, stdin="")
    assert_one_line_error(no_terminal, "--password-stdin")

    disabled = run_polres("user", "disable", "siti", env=env)
    assert disabled.returncode == 0, disabled.stderr
    assert_one_line_error(run_polres("user", "disable", "nobody", env=env), "no user")


def test_a_broadcast_picture_that_cannot_be_sent_is_one_readable_error(tmp_path: Path) -> None:
    env = polres_env(tmp_path)
    assert run_polres("db", "upgrade", env=env).returncode == 0
    gif = tmp_path / "poster.gif"
    gif.write_bytes(b"GIF89a" + bytes(64))

    def send(picture: Path, text: str = "Info") -> subprocess.CompletedProcess[str]:
        return run_polres(
            "broadcast", "send", "--topic", "info", "--text", text, "--image", str(picture),
            "--at", "2099-01-01 07:00", env=env,
        )  # fmt: skip

    assert_one_line_error(send(gif), "JPEG or PNG")
    assert_one_line_error(send(tmp_path / "missing.png"), "cannot read", "missing.png")
    png_file = tmp_path / "poster.png"
    png_file.write_bytes(png())
    assert_one_line_error(send(png_file, "x" * 1025), "with an image", "1024")
    scheduled = send(png_file)
    assert scheduled.returncode == 0, scheduled.stderr
    assert "scheduled for 01/01/2099 07:00 WIB" in scheduled.stdout


def test_sigterm_stops_a_training_and_records_it_as_failed(tmp_path: Path) -> None:
    """`kill` (or systemd) stops `polres nlu train` as Ctrl-C does: Rasa's process is stopped
    and the version is failed, so the next training is not refused as busy for hours."""
    venv = tmp_path / "rasa-venv"
    (venv / "bin").mkdir(parents=True)
    started = tmp_path / "rasa.pid"
    rasa = venv / "bin" / "rasa"
    rasa.write_text(f"#!/bin/sh\necho $$ > {started}\nexec sleep 600\n")
    rasa.chmod(0o755)
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    paths = {name: str(ROOT / path) for name, path in config["paths"].items()}
    paths.update(rasa_venv=str(venv), models=str(tmp_path / "models"), var=str(tmp_path / "var"))
    config["paths"] = paths
    (tmp_path / "config.yml").write_text(yaml.safe_dump(config))
    env = polres_env(tmp_path, POLRES_CONFIG=str(tmp_path / "config.yml"))
    assert run_polres("db", "upgrade", env=env).returncode == 0

    training = subprocess.Popen([POLRES, "nlu", "train"], cwd=ROOT, env=env, text=True)
    deadline = time.monotonic() + 60
    while not started.exists() or not started.read_text().strip():
        assert time.monotonic() < deadline
        assert training.poll() is None
        time.sleep(0.1)
    rasa_pid = int(started.read_text())
    training.send_signal(signal.SIGTERM)

    assert training.wait(timeout=30) == 143
    with pytest.raises(ProcessLookupError):
        os.kill(rasa_pid, 0)
    listed = run_polres("nlu", "models", "--json", env=env)
    [version] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert version["status"] == "failed"
