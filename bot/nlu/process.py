"""Rasa subprocess helpers: environment, process-group shutdown, log tails."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from bot.core.errors import PolresError

RASA_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONWARNINGS": "ignore",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    # Models are reused by fingerprint; Rasa's own training cache would only fill the disk.
    "RASA_MAX_CACHE_SIZE": "0",
}
_PR_SET_PDEATHSIG = 1


def rasa_env() -> dict[str, str]:
    """The caller's environment with Rasa's telemetry and warnings switched off."""
    return {**os.environ, **RASA_ENV}


def _die_with_parent_hook() -> Callable[[], None] | None:
    """A preexec hook making the child receive SIGTERM when its parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return hook


async def spawn(
    executable: Path | str, args: list[str], log_path: Path
) -> asyncio.subprocess.Process:
    """Start Rasa in its own process group, in the log's folder, with output to `log_path`."""
    program, log = await asyncio.to_thread(_program_and_log, executable, log_path)
    with log:
        try:
            return await asyncio.create_subprocess_exec(
                program,
                *args,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                env=rasa_env(),
                cwd=log_path.parent,
                start_new_session=True,
                preexec_fn=_die_with_parent_hook(),
            )
        except OSError as error:
            raise PolresError(f"cannot start Rasa ({program}): {error}") from error


def _program_and_log(executable: Path | str, log_path: Path) -> tuple[str, BinaryIO]:
    """An absolute program path (bare names are looked up on PATH) and a fresh log file."""
    program = str(executable)
    if os.sep in program:
        program = os.path.abspath(program)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    return program, log_path.open("wb")


async def stop_group(process: asyncio.subprocess.Process, grace: float = 10.0) -> None:
    """SIGTERM the process group, SIGKILL it after `grace` seconds; returns once reaped."""
    if process.returncode is None:
        _signal_group(process.pid, signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), grace)
    # Children left behind by the leader die with the group.
    _signal_group(process.pid, signal.SIGKILL)
    await process.wait()


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def log_tail(path: Path, lines: int = 8) -> str:
    """The last non-empty lines of a log, joined into one line."""
    try:
        with path.open(encoding="utf-8", errors="replace") as log:
            last = deque((line.strip() for line in log if line.strip()), maxlen=lines)
    except OSError:
        return "(no log)"
    return " | ".join(last) or "(empty log)"
