"""Text helpers shared by the channels: splitting a long text, and sending its parts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

Part = TypeVar("Part")
Sent = TypeVar("Sent")


@dataclass
class Progress:
    """The parts of one outbound message confirmed sent, earlier tries' included
    (OutboundMessage.parts_sent): a retry sends only the rest, and a failure part-way says how
    far it got (DeliveryError.parts_sent)."""

    sent: int = 0

    async def send_rest(
        self, parts: Sequence[Part], send: Callable[[Part], Awaitable[Sent]]
    ) -> Sent | None:
        """Send the parts not sent yet, in order; the last one's answer (None if none was)."""
        answer = None
        for part in parts[self.sent :]:
            answer = await send(part)
            self.sent += 1
        return answer


def split_text(text: str, limit: int, *, utf16: bool = False) -> list[str]:
    """Pieces of at most `limit` characters, cut at a line break or a space where possible.
    With `utf16` the limit counts UTF-16 code units, as Telegram does (an emoji counts 2)."""
    pieces: list[str] = []
    rest = text
    while (end := _fitting(rest, limit, utf16)) < len(rest):
        cut = rest.rfind("\n", 0, end + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, end + 1)
        if cut <= 0:
            cut = end
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest or not pieces else pieces


def _fitting(text: str, limit: int, utf16: bool) -> int:
    """How many characters of `text` fit in `limit`."""
    if not utf16:
        return min(limit, len(text))
    if len(text.encode("utf-16-le")) <= 2 * limit:
        return len(text)  # the usual case, counted in C
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)
