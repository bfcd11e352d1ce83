"""`polres chat`: the same conversation in a terminal. Buttons are numbered; type the number."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TextIO

from bot.core.errors import NluUnavailable
from bot.core.ports import Accepted, Outbox, Reception, Transcript
from bot.core.types import Button, Inbound, OutboundMessage, Receipt

CHANNEL = "console"
Process = Callable[[Accepted], Awaitable[None]]


class ConsoleChat:
    def __init__(
        self,
        reception: Reception,
        outbox: Outbox,
        transcript: Transcript,
        process: Process,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
    ) -> None:
        self.reception = reception
        self.outbox = outbox
        self.transcript = transcript
        self.process = process
        self.stdin = stdin
        self.stdout = stdout
        self.buttons: Sequence[Button] = ()

    async def run(self, session: str) -> None:
        interactive = self.stdin.isatty()
        self._print("Polres chat — ketik pesan; 'keluar' atau Ctrl-D untuk selesai.\n")
        while True:
            if interactive:
                self._print("> ", end="")
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                break
            text = line.strip()
            if text.lower() in {"keluar", "exit", "quit"}:
                break
            if text:
                await self.say(session, self._button_payload(text))

    async def say(self, session: str, text: str) -> None:
        inbound = Inbound(CHANNEL, session, uuid.uuid4().hex, text)
        accepted = await self.reception.accept(inbound)
        try:
            await self.process(accepted)
        except NluUnavailable as error:
            self._print(f"(menunggu NLU: {error})\n")
            return
        replies = await self.transcript.replies_to(accepted.message_id)
        self.buttons = ()
        for message in replies:
            self._show(message)
        if replies:
            await self.outbox.mark_sent(
                dict.fromkeys((message.id for message in replies), Receipt()), datetime.now(UTC)
            )

    def _button_payload(self, text: str) -> str:
        if text.isdigit() and 0 < int(text) <= len(self.buttons):
            return self.buttons[int(text) - 1].payload
        return text

    def _show(self, message: OutboundMessage) -> None:
        self._print(f"\n{message.reply.text}\n")
        if message.reply.buttons:
            self.buttons = message.reply.buttons
        for number, button in enumerate(message.reply.buttons, start=1):
            self._print(f"  [{number}] {button.title}\n")
        self._print("\n")

    def _print(self, text: str, end: str = "") -> None:
        self.stdout.write(text + end)
        self.stdout.flush()
