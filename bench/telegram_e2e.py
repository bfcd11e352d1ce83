"""Telegram end to end: webhook update → bot reply (sendMessage), against raw Rasa parses.

One run measures, on the same Rasa server with the same texts and concurrency:
  raw      POST /model/parse, closed loops (a client sends its next parse once answered)
  e2e      POST /webhook/telegram to a real `polres serve` → inbox → NLU → handler → outbox →
           sendMessage on a fake Bot API server (first reply per chat), in closed loops: a
           chat sends its next message once it got the answer to the last
  backlog  the same path fed as Telegram delivers a queue of updates (after an outage, say)
           over max_connections = the level: each connection posts the next update once the
           last was acknowledged (200), without waiting for replies
and prints, at each level of concurrent chats: throughput and p50/p95 latency; the ratio e2e/raw
(target >= 0.9), which at 1 chat is a latency ratio (a parse's time over a parse plus the
bot's work); the p50 latency the bot adds (target <= 15 ms); the backlog's rate and its ratio
to raw; and the bot's CPU time per message (steadier than the rates on a shared machine). Then
the memory of `polres serve` at idle (before the first message) and its peak under the load.
The database starts with `--history` past conversations, so that a cost growing with the
tables shows.

Telegram's own flood limit (30 messages/s) would cap the e2e path, so this run raises the
configured limit: it measures the bot, not Telegram's policy.

    .venv/bin/python bench/telegram_e2e.py [--messages 300] [--concurrency 1,10,100] [--rounds 3]
        [--history 20000]

Uses RASA_URL when set, else starts a managed Rasa server on the current model. To give Rasa
a core of its own, as in production (docs/DEPLOY.md), start it and this benchmark with taskset:

    taskset -c 0 .venv-rasa/bin/rasa run --enable-api -m rasa_project/models/nlu-….tar.gz &
    RASA_URL=http://127.0.0.1:5005 taskset -c 1 .venv/bin/python bench/telegram_e2e.py
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import aiohttp
import yaml
from sqlalchemy import Table, insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.nlu_throughput import measure, percentile, texts  # noqa: E402
from bot.app import open_nlu  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.models import Citizen, Message  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramApi, SentMessage  # noqa: E402
from tests.fakes.telegram_updates import load_update  # noqa: E402

TARGET = 0.9
P50_OVERHEAD_MS = 15.0
SECRET = "bench-secret"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}


CITIZENS = cast(Table, Citizen.__table__)
MESSAGES = cast(Table, Message.__table__)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_config(folder: Path) -> Path:
    """config.yml with absolute paths and Telegram's flood limit lifted."""
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    config["paths"] = {key: str(ROOT / value) for key, value in config["paths"].items()}
    config["paths"]["var"] = str(folder)
    config["telegram"]["messages_per_second"] = 100_000
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(config))
    return path


async def add_history(url: str, conversations: int) -> None:
    """Past conversations, as a district gathers them over months (a citizen's question and
    the bot's answer each), so that a cost growing with the tables shows here."""
    if not conversations:
        return
    now = datetime.now(UTC)
    db = Database.connect(url)
    try:
        citizens = [
            {
                "channel": "telegram",
                "chat_id": f"history-{n}",
                "language": "id",
                "unreachable": False,
                "created_at": now,
            }
            for n in range(conversations)
        ]
        async with db.transaction() as connection:
            ids = list(
                await connection.scalars(
                    insert(CITIZENS).returning(CITIZENS.c.id, sort_by_parameter_order=True),
                    citizens,
                )
            )
        rows = []
        for n, citizen_id in enumerate(ids):
            at = now - timedelta(minutes=n)
            for direction, external_id, text in (
                ("in", f"history:{n}", "bagaimana cara membuat skck"),
                ("out", None, "Syarat SKCK: KTP, KK, akta lahir, pas foto."),
            ):
                rows.append(
                    {
                        "citizen_id": citizen_id,
                        "direction": direction,
                        "channel": "telegram",
                        "external_id": external_id,
                        "text": text,
                        "created_at": at,
                        "processed_at": at if direction == "in" else None,
                        "delivery_status": "sent" if direction == "out" else None,
                        "sent_at": at if direction == "out" else None,
                    }
                )
        # In parts, each (and its commit) well under the driver's slow-statement warning.
        for start in range(0, len(rows), 2_000):
            async with db.transaction() as connection:
                await connection.execute(insert(MESSAGES), rows[start : start + 2_000])
    finally:
        await db.close()


async def start_polres(
    env: dict[str, str], port: int, log: Path, history: int = 0
) -> asyncio.subprocess.Process:
    """`polres serve` on a migrated database holding `history` past conversations."""
    polres = str(Path(sys.executable).with_name("polres"))
    upgrade = await asyncio.create_subprocess_exec(polres, "db", "upgrade", env=env, cwd=ROOT)
    assert await upgrade.wait() == 0
    await add_history(env["DATABASE_URL"], history)
    process = await asyncio.create_subprocess_exec(
        polres, "serve", env=env, cwd=ROOT, stdout=log.open("w"), stderr=asyncio.subprocess.STDOUT
    )
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200:
                        return process
            except aiohttp.ClientError:
                pass
            if process.returncode is not None:
                raise SystemExit(f"polres serve exited; see {log}")
            await asyncio.sleep(0.2)
    raise SystemExit("polres serve did not become ready")


def memory_mb(pid: int, field: str) -> float:
    """A memory figure of a process from /proc/<pid>/status: VmRSS (now) or VmHWM (peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def cpu_per_message(into: list[float], pid: int, messages: int) -> Iterator[None]:
    """Appends to `into` the CPU milliseconds per message process `pid` spent in the block."""
    before = cpu_seconds(pid)
    yield
    into.append((cpu_seconds(pid) - before) / messages * 1000)


def update_bodies(inputs: list[str], first_chat: int) -> list[bytes]:
    """One private chat's text update per input, chat ids from `first_chat` on. Built before
    the clock starts: the harness's own work is not the bot's."""
    return [
        json.dumps(
            load_update("private_text", chat_id=first_chat + i, user_id=first_chat + i, text=text)
        ).encode()
        for i, text in enumerate(inputs)
    ]


async def e2e(
    ports: Sequence[int], api: FakeTelegramApi, inputs: list[str], concurrency: int, first_chat: int
) -> tuple[float, list[float]]:
    """`concurrency` chats at a time, each posting its next update once the bot answered the
    last one (a closed loop, like the raw measurement): (messages/s, latencies in ms). With
    several instances' `ports`, updates go to them in turn (a round-robin proxy)."""
    urls = [f"http://127.0.0.1:{port}/webhook/telegram" for port in ports]
    bodies = update_bodies(inputs, first_chat)
    loop = asyncio.get_running_loop()
    answered: dict[int, asyncio.Future[float]] = {}
    latencies: list[float] = []
    work = iter(enumerate(bodies))

    def on_reply(message: SentMessage) -> None:
        """The first reply to a chat resolves its future with the time it reached the fake."""
        waiting = answered.get(int(message.chat_id))
        if waiting is not None and not waiting.done():
            waiting.set_result(message.at)

    async with aiohttp.ClientSession() as http:

        async def chat_loop() -> None:
            for index, body in work:
                chat = first_chat + index
                answered[chat] = loop.create_future()
                posted = time.monotonic()
                url = urls[index % len(urls)]
                async with http.post(url, data=body, headers=HEADERS) as response:
                    assert response.status == 200
                latencies.append((await asyncio.wait_for(answered[chat], 60) - posted) * 1000)

        stop_watching = api.watch_messages(on_reply)
        try:
            start = time.monotonic()
            await asyncio.gather(*(chat_loop() for _ in range(concurrency)))
            elapsed = time.monotonic() - start
        finally:
            stop_watching()
    return len(inputs) / elapsed, latencies


async def backlog(
    port: int, api: FakeTelegramApi, inputs: list[str], connections: int, first_chat: int
) -> float:
    """Telegram delivering queued updates with `max_connections` = `connections`: each
    connection posts the next update once the bot acknowledged the last one (its 200), without
    waiting for replies. Messages/s from the first post to the last update's reply: the rate at
    which the bot works off a backlog."""
    url = f"http://127.0.0.1:{port}/webhook/telegram"
    bodies = update_bodies(inputs, first_chat)
    waiting = set(range(first_chat, first_chat + len(bodies)))
    all_answered: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    work = iter(bodies)

    def on_reply(message: SentMessage) -> None:
        waiting.discard(int(message.chat_id))
        if not waiting and not all_answered.done():
            all_answered.set_result(message.at)

    async with aiohttp.ClientSession() as http:

        async def connection() -> None:
            for body in work:
                async with http.post(url, data=body, headers=HEADERS) as response:
                    assert response.status == 200

        stop_watching = api.watch_messages(on_reply)
        try:
            start = time.monotonic()
            await asyncio.gather(*(connection() for _ in range(connections)))
            finished = await asyncio.wait_for(all_answered, 120)
        finally:
            stop_watching()
    return len(bodies) / (finished - start)


async def main(messages: int, levels: list[int], rounds: int, history: int) -> int:
    settings = load_settings(ROOT / "config.yml")
    inputs = texts(messages)
    results: list[tuple[int, float, float]] = []  # (concurrency, ratio, p50 overhead)
    with tempfile.TemporaryDirectory() as folder:
        config = bench_config(Path(folder))
        async with open_nlu(settings) as nlu, FakeTelegramApi() as api:
            port = free_port()
            env = {
                **os.environ,
                "POLRES_CONFIG": str(config),
                "DATABASE_URL": os.environ.get(
                    "BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.db"
                ),
                "POLRES_PORT": str(port),
                "POLRES_LOG_LEVEL": "WARNING",
                "RASA_URL": nlu.base_url,
                "TELEGRAM_BOT_TOKEN": api.token,
                "TELEGRAM_MODE": "webhook",
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "TELEGRAM_API_BASE_URL": api.base_url,
            }
            process = await start_polres(env, port, Path(folder) / "serve.log", history)
            print(f"database: {history} past conversations before the first message", flush=True)
            cpus = sorted(os.sched_getaffinity(0))
            print(f"CPUs for this benchmark and polres serve: {cpus} of {os.cpu_count()}")
            try:
                async with aiohttp.ClientSession() as http:

                    async def raw(text: str) -> object:
                        parse_url = f"{nlu.base_url}/model/parse"
                        async with http.post(parse_url, json={"text": text}) as response:
                            return await response.json()

                    idle_mb = memory_mb(process.pid, "VmRSS")
                    await measure(raw, inputs[:50], 8)  # warm up
                    await e2e([port], api, inputs[:50], 8, 10_000_000)
                    first_chat = 20_000_000
                    for concurrency in levels:
                        raw_runs: list[tuple[float, list[float]]] = []
                        e2e_runs: list[tuple[float, list[float]]] = []
                        backlog_rates: list[float] = []
                        # CPU ms per message, each round: the bot's, and this process's own
                        # (client and fake Bot API) in the raw and in the end-to-end rounds.
                        cpu: dict[str, list[float]] = {"app": [], "raw": [], "e2e": []}
                        # Alternate the two so that a noisy neighbour hits both alike.
                        for _ in range(rounds):
                            with cpu_per_message(cpu["raw"], os.getpid(), len(inputs)):
                                raw_runs.append(await measure(raw, inputs, concurrency))
                            first_chat += 1_000_000
                            with (
                                cpu_per_message(cpu["app"], process.pid, len(inputs)),
                                cpu_per_message(cpu["e2e"], os.getpid(), len(inputs)),
                            ):
                                e2e_runs.append(
                                    await e2e([port], api, inputs, concurrency, first_chat)
                                )
                            first_chat += 1_000_000
                            backlog_rates.append(
                                await backlog(port, api, inputs, concurrency, first_chat)
                            )
                        results.append(report(concurrency, raw_runs, e2e_runs, backlog_rates, cpu))
                    peak_mb = memory_mb(process.pid, "VmHWM")
                    print(
                        f"memory of polres serve: idle {idle_mb:.0f} MB, peak under load "
                        f"{peak_mb:.0f} MB (peak/idle {peak_mb / idle_mb:.2f})",
                        flush=True,
                    )
            except BaseException as error:
                print(f"benchmark failed: {error!r}", flush=True)
                raise
            finally:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 30)
                except TimeoutError:
                    process.kill()
                    raise SystemExit("polres serve did not stop within 30 s of SIGTERM") from None
    met = all(ratio >= TARGET and overhead <= P50_OVERHEAD_MS for _, ratio, overhead in results)
    return 0 if met else 1


def report(
    concurrency: int,
    raw_runs: list[tuple[float, list[float]]],
    e2e_runs: list[tuple[float, list[float]]],
    backlog_rates: list[float],
    cpu: dict[str, list[float]],
) -> tuple[int, float, float]:
    print(f"concurrency {concurrency}, {len(raw_runs)} alternating rounds (medians)")
    p50s = {}
    for name, runs in (("raw", raw_runs), ("e2e", e2e_runs)):
        rates = [rate for rate, _ in runs]
        latencies = [ms for _, round_ms in runs for ms in round_ms]
        p50s[name] = statistics.median(latencies)
        print(
            f"  {name:>7}: {statistics.median(rates):8.1f} msg/s "
            f"(rounds: {', '.join(f'{rate:.1f}' for rate in rates)})  "
            f"p50 {p50s[name]:7.2f} ms  p95 {percentile(latencies, 0.95):7.2f} ms"
        )
    print(
        f"  {'backlog':>7}: {statistics.median(backlog_rates):8.1f} msg/s "
        f"(rounds: {', '.join(f'{rate:.1f}' for rate in backlog_rates)})"
    )
    median = {name: statistics.median(values) for name, values in cpu.items()}
    print(
        f"  app CPU per message: {median['app']:.2f} ms (this benchmark's own: raw "
        f"{median['raw']:.2f} ms, e2e {median['e2e']:.2f} ms)"
    )
    raw_rates = [rate for rate, _ in raw_runs]
    ratio = statistics.median(e / r for (e, _), r in zip(e2e_runs, raw_rates, strict=True))
    drained = statistics.median(b / r for b, r in zip(backlog_rates, raw_rates, strict=True))
    overhead = p50s["e2e"] - p50s["raw"]
    print(
        f"  ratio e2e/raw throughput: {ratio:.3f} (target >= {TARGET}); "
        f"p50 overhead {overhead:.1f} ms (target <= {P50_OVERHEAD_MS:g}); "
        f"backlog/raw {drained:.3f}",
        flush=True,
    )
    return concurrency, ratio, overhead


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument(
        "--concurrency", default="1,10,100", help="chats at a time, comma-separated levels"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--history",
        type=int,
        default=20_000,
        help="past conversations in the database before the run (months of a district's)",
    )
    args = parser.parse_args()
    levels = [int(level) for level in args.concurrency.split(",")]
    raise SystemExit(asyncio.run(main(args.messages, levels, args.rounds, args.history)))
