"""Scale-out: Telegram end to end with one and with two `polres serve` instances sharing one
PostgreSQL database.

Each setup gets a fresh database; updates go to the instances in turn (a round-robin proxy);
closed loops of `--concurrency` chats, as in bench/telegram_e2e.py. The NLU is a stand-in that
answers at once (tests/fakes/rasa_canned.py), so the figure is the app tier's own capacity
(Rasa's is `make bench`; size the two tiers separately, docs/DEPLOY.md). Prints both rates, the
ratio two/one, the app's CPU time per message, and checks that every message got exactly one reply.

    .venv/bin/python bench/scale_out.py [--messages 600] [--concurrency 100] [--rounds 2]

Uses BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/test) for the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.nlu_throughput import texts  # noqa: E402
from bench.telegram_e2e import (  # noqa: E402
    SECRET,
    bench_config,
    cpu_seconds,
    e2e,
    free_port,
    start_polres,
)
from tests.fakes.rasa_canned import CannedRasa  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramApi  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextlib.asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    server = make_url(PG_URL).set(drivername="postgresql+asyncpg")
    name = f"polres_bench_{secrets.token_hex(4)}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


async def run(
    instances: int, inputs: list[str], concurrency: int, folder: Path
) -> tuple[float, float]:
    """(messages per second, app CPU ms per message) with `instances` processes on one fresh
    database."""
    async with fresh_database() as url, CannedRasa() as nlu, FakeTelegramApi() as api:
        processes = []
        ports = []
        try:
            for number in range(instances):
                port = free_port()
                env = {
                    **os.environ,
                    "POLRES_CONFIG": str(bench_config(folder)),
                    "DATABASE_URL": url,
                    "POLRES_PORT": str(port),
                    "POLRES_LOG_LEVEL": "WARNING",
                    "RASA_URL": nlu.url,
                    "TELEGRAM_BOT_TOKEN": api.token,
                    "TELEGRAM_MODE": "webhook",
                    "TELEGRAM_WEBHOOK_SECRET": SECRET,
                    "TELEGRAM_API_BASE_URL": api.base_url,
                }
                log = folder / f"serve-{instances}-{number}.log"
                processes.append(await start_polres(env, port, log))
                ports.append(port)
            await e2e(ports, api, inputs[:100], 10, 10_000_000)  # warm up
            cpu_before = sum(cpu_seconds(process.pid) for process in processes)
            rate, _ = await e2e(ports, api, inputs, concurrency, 20_000_000)
            cpu = sum(cpu_seconds(process.pid) for process in processes) - cpu_before
            await asyncio.sleep(1.0)  # a reply sent twice would arrive by now
            chats = [m.chat_id for m in api.sent_messages() if int(m.chat_id) >= 20_000_000]
            if sorted(map(int, chats)) != list(range(20_000_000, 20_000_000 + len(inputs))):
                raise SystemExit(f"{instances} instance(s): replies are missing or doubled")
            return rate, cpu / len(inputs) * 1000
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                await process.wait()


async def main(messages: int, concurrency: int, rounds: int) -> None:
    inputs = texts(messages)
    rates: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):
            for instances in rates:  # alternating, so that noise hits both alike
                rate, ms = await run(instances, inputs, concurrency, Path(folder))
                rates[instances].append(rate)
                cpu[instances].append(ms)
    for instances, found in rates.items():
        print(
            f"{instances} instance(s): {statistics.median(found):7.1f} msg/s "
            f"(rounds: {', '.join(f'{rate:.1f}' for rate in found)}); "
            f"app CPU {statistics.median(cpu[instances]):.2f} ms per message"
        )
    ratio = statistics.median(two / one for one, two in zip(rates[1], rates[2], strict=True))
    print(f"ratio two/one instances: {ratio:.2f}; every message answered exactly once", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.concurrency, args.rounds))
