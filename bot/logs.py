"""Structured (logfmt) logs on stderr. Never log tokens, passwords, phone numbers or message text."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        message = record.getMessage().replace('"', "'")
        line = f'ts={moment} level={record.levelname} logger={record.name} msg="{message}"'
        if record.exc_info:
            line += f' exc="{self.formatException(record.exc_info)!r}"'
        return line


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogfmtFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiohttp.access", "sqlalchemy.engine", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
