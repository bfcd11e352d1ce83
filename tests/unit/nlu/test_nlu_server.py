"""ManagedRasaServer's process handling, with a fake `rasa` executable."""

import socket
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.core.errors import PolresError
from bot.nlu import server as server_module
from bot.nlu.server import ManagedRasaServer

# Stands in for `rasa run --enable-api`: serves /status for the model it was given and
# starts a grandchild, to check the whole group is stopped; both write their pid to files.
FAKE_RASA = f"""#!{sys.executable}
import os, signal, subprocess, sys, time
args = sys.argv[1:]
option = dict(zip(args[2::2], args[3::2]))
print("Starting Rasa server", flush=True)
open(os.environ["FAKE_RASA_PID"], "w").write(str(os.getpid()))
mode = os.environ.get("FAKE_RASA_MODE", "")
if mode == "crash":
    sys.exit("OSError: model is broken")
if mode == "hang":
    time.sleep(300)
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
from aiohttp import web
child = subprocess.Popen(["sleep", "300"])
open(os.environ["FAKE_RASA_CHILD"], "w").write(str(child.pid))

async def status(request):
    return web.json_response({{"model_file": os.path.basename(option["--model"]),
                               "model_id": "x", "num_active_training_jobs": 0}})

app = web.Application()
app.router.add_get("/status", status)
web.run_app(app, host=option["--interface"], port=int(option["--port"]), print=None)
"""


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting for its reaper."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.fixture
def fake_rasa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    executable = tmp_path / "rasa"
    executable.write_text(FAKE_RASA)
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("FAKE_RASA_PID", str(tmp_path / "rasa.pid"))
    monkeypatch.setenv("FAKE_RASA_CHILD", str(tmp_path / "child.pid"))
    return executable


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "nlu-abc.tar.gz"
    path.write_bytes(b"model")
    return path


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


async def test_serves_until_exit_then_leaves_no_process(
    fake_rasa: Path, model: Path, tmp_path: Path
) -> None:
    server = ManagedRasaServer(fake_rasa, model, tmp_path / "logs" / "rasa.log")

    async with server:
        pid = server.pid
        assert pid is not None
        assert server.url == f"http://127.0.0.1:{server.port}"
        async with aiohttp.ClientSession() as session, session.get(f"{server.url}/status") as r:
            assert (await r.json())["model_file"] == "nlu-abc.tar.gz"
        child = int((tmp_path / "child.pid").read_text())
        assert alive(child)

    assert server.pid is None
    assert not alive(pid)
    assert not alive(child)
    assert "Starting Rasa server" in (tmp_path / "logs" / "rasa.log").read_text()


async def test_stubborn_server_is_killed(
    fake_rasa: Path, model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RASA_MODE", "stubborn")
    monkeypatch.setattr(server_module, "_STOP_GRACE_SECONDS", 0.5)
    server = ManagedRasaServer(fake_rasa, model, tmp_path / "rasa.log")

    async with server:
        pid = server.pid
        assert pid is not None

    assert not alive(pid)


async def test_early_exit_fails_fast_with_the_log_tail(
    fake_rasa: Path, model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RASA_MODE", "crash")
    log = tmp_path / "rasa.log"

    with pytest.raises(PolresError) as raised:
        async with ManagedRasaServer(fake_rasa, model, log, startup_timeout=60):
            pytest.fail("the server should not start")

    message = str(raised.value)
    assert "exited with code 1 while starting" in message
    assert str(log) in message
    assert message.endswith("Starting Rasa server | OSError: model is broken")


async def test_startup_timeout_stops_the_process(
    fake_rasa: Path, model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RASA_MODE", "hang")
    server = ManagedRasaServer(fake_rasa, model, tmp_path / "rasa.log", startup_timeout=2)

    with pytest.raises(PolresError, match=r"did not load nlu-abc\.tar\.gz within 2 s"):
        await server.start()

    assert server.pid is None
    assert not alive(int((tmp_path / "rasa.pid").read_text()))


async def test_port_in_use_is_refused(
    fake_rasa: Path, model: Path, tmp_path: Path, listening_port: int
) -> None:
    server = ManagedRasaServer(fake_rasa, model, tmp_path / "rasa.log", port=listening_port)

    with pytest.raises(PolresError, match=f"port {listening_port} .* already in use"):
        await server.start()


async def test_missing_model_is_refused(fake_rasa: Path, tmp_path: Path) -> None:
    server = ManagedRasaServer(fake_rasa, tmp_path / "missing.tar.gz", tmp_path / "rasa.log")

    with pytest.raises(PolresError, match=r"missing\.tar\.gz does not exist"):
        await server.start()
