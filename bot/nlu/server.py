"""A Rasa server run as a child process for as long as an `async with` block lasts."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from pathlib import Path
from types import TracebackType
from typing import Self

from bot.core.errors import PolresError
from bot.nlu.client import RasaClient
from bot.nlu.process import log_tail, spawn, stop_group

_POLL_SECONDS = 0.5
_STOP_GRACE_SECONDS = 10.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class ManagedRasaServer:
    """`rasa run --enable-api` on 127.0.0.1, started on enter and stopped on exit."""

    def __init__(
        self,
        rasa_executable: Path | str,
        model_path: Path,
        log_path: Path,
        port: int | None = None,
        startup_timeout: float = 180,
    ) -> None:
        self.rasa_executable = rasa_executable
        self.model_path = model_path.resolve()
        self.log_path = log_path.resolve()
        self.port = port
        self.startup_timeout = startup_timeout
        self._process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise PolresError("the Rasa server has not been started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def start(self) -> None:
        """Start the server and wait until it has loaded the model."""
        if not self.model_path.is_file():
            raise PolresError(f"Rasa model {self.model_path} does not exist")
        if self.port is None:
            self.port = free_port()
        elif _listening(self.port):
            raise PolresError(f"cannot start Rasa: port {self.port} on 127.0.0.1 is already in use")
        self._process = await spawn(
            self.rasa_executable,
            [
                "run",
                "--enable-api",
                "--model",
                str(self.model_path),
                "--port",
                str(self.port),
                "--interface",
                "127.0.0.1",
            ],
            self.log_path,
        )
        try:
            await self._wait_until_ready(self._process)
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL) and reap it."""
        if self._process is not None:
            await stop_group(self._process, _STOP_GRACE_SECONDS)
            self._process = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _wait_until_ready(self, process: asyncio.subprocess.Process) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.startup_timeout
        async with RasaClient(self.url, timeout=_POLL_SECONDS * 4) as client:
            while not await client.ready():
                if process.returncode is not None:
                    raise await self._error(f"exited with code {process.returncode} while starting")
                if loop.time() > deadline:
                    raise await self._error(
                        f"did not load {self.model_path.name} within {self.startup_timeout:g} s"
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), _POLL_SECONDS)

    async def _error(self, problem: str) -> PolresError:
        tail = await asyncio.to_thread(log_tail, self.log_path)
        return PolresError(
            f"Rasa server on port {self.port} {problem}; log {self.log_path}: {tail}"
        )
