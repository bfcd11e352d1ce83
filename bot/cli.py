"""The `polres` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from bot import app, commands
from bot.broadcasting import progress_line, summary_line, watch
from bot.core.errors import PolresError
from bot.core.subscriptions import TOPICS
from bot.core.types import Role
from bot.core.wib import format_wib, parse_wib
from bot.logs import setup_logging
from bot.settings import Settings, load_settings
from bot.storage.broadcasts import SqlBroadcasts
from bot.storage.disasters import SqlDisasters
from bot.storage.images import SqlImages

EXIT_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_ERROR
    try:
        settings = load_settings(args.config)
        setup_logging(settings.log_level)
        asyncio.run(_stopped_by_sigterm(args.run(settings, args)))
    except PolresError as error:
        print(f"polres: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except asyncio.CancelledError:
        return 143  # SIGTERM
    except BrokenPipeError:
        # The reader left (`polres tickets list | head`): nothing more to say, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return 0


async def _stopped_by_sigterm(command: Awaitable[None]) -> None:
    """SIGTERM (kill, systemd) cancels the command, so its cleanup runs as after Ctrl-C: a
    training is recorded as failed and its Rasa process stopped. `serve` installs its own
    graceful shutdown."""
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    await command


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="polres", description="Polres citizen chatbot: serve, chat, classify, train."
    )
    parser.add_argument("--config", type=Path, help="config file (default ./config.yml)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the web chat, API and workers")
    serve.set_defaults(run=_serve)

    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--session", default=None, help="conversation id (default: your user name)")
    chat.set_defaults(run=_chat)

    classify = commands.add_parser("classify", help="classify texts, one per line, as JSON lines")
    classify.add_argument("file", nargs="?", type=Path, help="input file (default: stdin)")
    classify.set_defaults(run=_classify)

    nlu = commands.add_parser("nlu", help="train, evaluate and activate NLU models").add_subparsers(
        title="nlu commands", metavar="COMMAND", required=True
    )
    nlu.add_parser(
        "train", help="train a model version for the current data and evaluate it"
    ).set_defaults(run=_nlu_train)
    evaluate = nlu.add_parser(
        "evaluate", help="compare a version (default the newest) with the active model"
    )
    evaluate.add_argument("version", nargs="?", type=int)
    evaluate.set_defaults(run=_nlu_evaluate)
    activate = nlu.add_parser(
        "activate", help="serve this version (also to roll back to an older one)"
    )
    activate.add_argument("version", type=int)
    activate.add_argument("--force", action="store_true", help="even if its metrics drop")
    activate.add_argument("--reason", help="why (required with --force; kept in the audit log)")
    activate.set_defaults(run=_nlu_activate)
    models = nlu.add_parser("models", help="list model versions, their metrics, the active one")
    models.add_argument("--json", action="store_true", help="one JSON object per line")
    models.set_defaults(run=_nlu_models)

    db = commands.add_parser("db", help="database schema").add_subparsers(
        title="db commands", metavar="COMMAND", required=True
    )
    db.add_parser("upgrade", help="migrate the database to the current schema").set_defaults(
        run=_db_upgrade
    )

    tickets = commands.add_parser("tickets", help="the escalation queue").add_subparsers(
        title="tickets commands", metavar="COMMAND", required=True
    )
    listing = tickets.add_parser("list", help="list tickets, most urgent first")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.add_argument("--status", help="only tickets with this status")
    listing.add_argument("--limit", type=int, default=100)
    listing.set_defaults(run=_tickets_list)

    broadcast = commands.add_parser(
        "broadcast", help="messages to a topic's subscribers"
    ).add_subparsers(title="broadcast commands", metavar="COMMAND", required=True)
    send = broadcast.add_parser(
        "send", help="send now (with a progress bar) or schedule a broadcast"
    )
    send.add_argument("--topic", required=True, choices=TOPICS)
    send.add_argument("--text", required=True, help="the message in Indonesian")
    send.add_argument("--text-en", help="the message in English (default: the Indonesian one)")
    send.add_argument("--area", help="only subscribers in this kecamatan (and those of every area)")
    send.add_argument(
        "--image",
        type=Path,
        help="a JPEG or PNG picture (at most 5 MB) sent with the text as its caption",
    )
    send.add_argument("--urgent", action="store_true", help="a disaster alert: ahead of all else")
    send.add_argument(
        "--at", type=_wib_time, help="start at this WIB time, e.g. '2026-12-01 07:00'"
    )
    send.add_argument("--no-wait", action="store_true", help="do not show the progress bar")
    send.set_defaults(run=_broadcast_send)
    broadcast.add_parser("list", help="recent broadcasts and their progress").set_defaults(
        run=_broadcast_list
    )
    show = broadcast.add_parser("show", help="a broadcast's progress, until it is done")
    show.add_argument("id", type=int)
    show.set_defaults(run=_broadcast_show)
    cancel = broadcast.add_parser("cancel", help="stop a scheduled or running broadcast")
    cancel.add_argument("id", type=int)
    cancel.set_defaults(run=_broadcast_cancel)

    disaster = commands.add_parser(
        "disaster", help="disaster mode: the office's message with evacuation answers"
    ).add_subparsers(title="disaster commands", metavar="COMMAND", required=True)
    on = disaster.add_parser("on", help="switch disaster mode on for an area (or everywhere)")
    on.add_argument("--area", help="the kecamatan (default: the whole district)")
    on.add_argument("--text", required=True, help="the message in Indonesian")
    on.add_argument("--text-en", help="the message in English")
    on.set_defaults(run=_disaster_on)
    off = disaster.add_parser("off", help="switch it off for an area (default: everywhere)")
    off.add_argument("--area")
    off.set_defaults(run=_disaster_off)
    disaster.add_parser("status", help="where disaster mode is on").set_defaults(
        run=_disaster_status
    )

    user = commands.add_parser("user", help="dashboard accounts").add_subparsers(
        title="user commands", metavar="COMMAND", required=True
    )
    add = user.add_parser("add", help="create an officer or admin account")
    add.add_argument("username")
    add.add_argument("--role", choices=[role.value for role in Role], default=Role.OFFICER.value)
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(run=_user_add)
    disable = user.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    disable.set_defaults(run=_user_disable)
    return parser


async def _serve(settings: Settings, args: argparse.Namespace) -> None:
    await app.serve(settings)


async def _chat(settings: Settings, args: argparse.Namespace) -> None:
    await commands.chat(settings, args.session or getpass.getuser())


async def _classify(settings: Settings, args: argparse.Namespace) -> None:
    with _open_input(args.file) as stream:
        lines = (line.rstrip("\r\n") for line in stream)
        async for result in commands.classify(settings, (line for line in lines if line.strip())):
            print(json.dumps(result.as_json(), ensure_ascii=False), flush=True)


async def _nlu_train(settings: Settings, args: argparse.Namespace) -> None:
    version = await commands.train_version(settings)
    print(f"model version {version.id}: {version.model_file} ({version.status})")
    _, comparison = await commands.compare_version(settings, version.id)
    print(comparison.as_text())


async def _nlu_evaluate(settings: Settings, args: argparse.Namespace) -> None:
    version_id, comparison = await commands.compare_version(settings, args.version)
    print(f"model version {version_id} against the active model, on the held-out split")
    print(comparison.as_text())


async def _nlu_activate(settings: Settings, args: argparse.Namespace) -> None:
    await commands.activate_version(settings, args.version, force=args.force, reason=args.reason)
    poll = f"{settings.config.models.poll_seconds:g} s"
    then = (
        f"load its model file on the RASA_URL servers; a running `polres serve` reloads data/ "
        f"within {poll}"
        if settings.rasa_urls
        else f"a running `polres serve` starts loading it within {poll} and switches to it "
        "without a pause"
    )
    print(f"model version {args.version} is active; {then}")


async def _nlu_models(settings: Settings, args: argparse.Namespace) -> None:
    rows = await commands.list_versions(settings)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    print(
        f"{'VERSION':<8} {'ACTIVE':<6} {'STATUS':<9} {'MODEL':<24} {'CAT-F1':>7} {'URG-REC':>7} BY"
    )
    for row in rows:
        metrics = row["metrics"] or {}
        print(
            f"{row['version']:<8} {'*' if row['active'] else '':<6} {row['status']:<9} "
            f"{row['model'] or '-':<24} {_metric(metrics, 'category_macro_f1'):>7} "
            f"{_metric(metrics, 'urgent_recall'):>7} {row['created_by']}"
        )


def _metric(metrics: dict[str, Any], name: str) -> str:
    value = metrics.get(name)
    return f"{value:.3f}" if isinstance(value, float) else "-"


async def _db_upgrade(settings: Settings, args: argparse.Namespace) -> None:
    print(await commands.upgrade_database(settings))


async def _tickets_list(settings: Settings, args: argparse.Namespace) -> None:
    rows = await commands.list_tickets(settings, limit=args.limit, status=args.status)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    print(
        f"{'CODE':<13} {'CATEGORY':<12} {'URGENT':<6} {'STATUS':<9} {'CREATED (WIB)':<20} FIRST MESSAGE"
    )
    for row in rows:
        print(
            f"{row['code']:<13} {row['category']:<12} {'yes' if row['urgent'] else 'no':<6} "
            f"{row['status']:<9} {row['created_wib']:<20} {row['first_message'][:60]}"
        )


def _wib_time(text: str) -> datetime:
    try:
        return parse_wib(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected 'YYYY-MM-DD HH:MM' (WIB), got {text!r}"
        ) from None


async def _broadcast_send(settings: Settings, args: argparse.Namespace) -> None:
    texts = {"id": args.text, "en": args.text_en or ""}
    created_by = f"cli:{getpass.getuser()}"
    async with app.open_database(settings) as db:
        image_id = None
        if args.image is not None:
            image_id = await SqlImages(db).save(_read_file(args.image), created_by)
        broadcasts = SqlBroadcasts(db)
        broadcast_id = await broadcasts.create(
            topic=args.topic,
            texts=texts,
            created_by=created_by,
            area=args.area,
            urgent=args.urgent,
            at=args.at,
            image_id=image_id,
        )
        if args.at is not None:
            print(f"broadcast #{broadcast_id} scheduled for {format_wib(args.at)}")
            return
        await broadcasts.start_due()
        if args.no_wait:
            progress = await broadcasts.progress(broadcast_id)
            assert progress is not None
            print(progress_line(progress))
            return
        await watch(broadcasts, broadcast_id, sys.stdout)


def _read_file(path: Path) -> bytes:
    with _reading(path):
        return path.read_bytes()


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[None]:
    """A file that cannot be read is one line: 'cannot read PATH: reason'."""
    try:
        yield
    except OSError as error:
        raise PolresError(f"cannot read {path}: {error.strerror}") from None


async def _broadcast_list(settings: Settings, args: argparse.Namespace) -> None:
    async with app.open_database(settings) as db:
        for progress in await SqlBroadcasts(db).latest():
            print(summary_line(progress))


async def _broadcast_show(settings: Settings, args: argparse.Namespace) -> None:
    async with app.open_database(settings) as db:
        try:
            await watch(SqlBroadcasts(db), args.id, sys.stdout)
        except LookupError as error:
            raise PolresError(str(error)) from None


async def _broadcast_cancel(settings: Settings, args: argparse.Namespace) -> None:
    async with app.open_database(settings) as db:
        if not await SqlBroadcasts(db).cancel(args.id, by=f"cli:{getpass.getuser()}"):
            raise PolresError(f"broadcast #{args.id} is not scheduled or running")
    print(f"broadcast #{args.id} cancelled")


async def _disaster_on(settings: Settings, args: argparse.Namespace) -> None:
    async with app.open_database(settings) as db:
        texts = {"id": args.text, "en": args.text_en or ""}
        await SqlDisasters(db).switch_on(args.area, texts, f"cli:{getpass.getuser()}")
    print(f"disaster mode on for {args.area or 'the whole district'}")


async def _disaster_off(settings: Settings, args: argparse.Namespace) -> None:
    async with app.open_database(settings) as db:
        ended = await SqlDisasters(db).switch_off(args.area, f"cli:{getpass.getuser()}")
    print(f"disaster mode off ({ended} area(s))")


async def _disaster_status(settings: Settings, args: argparse.Namespace) -> None:
    async with app.open_database(settings) as db:
        alerts = await SqlDisasters(db).active()
    if not alerts:
        print("disaster mode is off")
    for alert in alerts:
        where = f"kecamatan {alert.area}" if alert.area else "the whole district"
        print(f"on for {where} since {format_wib(alert.started_at)}: {alert.texts['id']}")


async def _user_add(settings: Settings, args: argparse.Namespace) -> None:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise PolresError("no terminal to type the password in; pipe it with --password-stdin")
        try:
            password = getpass.getpass("password: ")
            again = getpass.getpass("again: ")
        except EOFError:  # Ctrl-D at the prompt
            raise PolresError("no password typed") from None
        if again != password:
            raise PolresError("the passwords differ")
    user = await commands.add_user(settings, args.username, password, Role(args.role))
    print(f"added {user.role.value} {user.username}")


async def _user_disable(settings: Settings, args: argparse.Namespace) -> None:
    await commands.disable_user(settings, args.username)
    print(f"disabled {args.username.strip().lower()}")


class _open_input:
    """stdin or a file, as a context manager."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.stream: TextIO | None = None

    def __enter__(self) -> Iterator[str]:
        if self.path is None:
            return iter(sys.stdin)
        with _reading(self.path):
            self.stream = self.path.open(encoding="utf-8")
        return iter(self.stream)

    def __exit__(self, *exc: object) -> None:
        if self.stream is not None:
            self.stream.close()


if __name__ == "__main__":
    logging.captureWarnings(True)
    sys.exit(main())
