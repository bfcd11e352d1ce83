"""Pictures the office sends with a broadcast: JPEG or PNG, small enough for every platform."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.core.errors import InvalidInput

MAX_IMAGE_BYTES = 5 * 1024 * 1024  # WhatsApp's limit for images (Telegram's is 10 MB)
MAX_CAPTION = 1024  # a photo's caption, on Telegram and WhatsApp alike
_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass(frozen=True)
class Image:
    id: str  # SHA-256 of the bytes, hex
    mime: str
    data: bytes

    @property
    def filename(self) -> str:
        return f"{self.id[:16]}.{self.mime.removeprefix('image/').replace('jpeg', 'jpg')}"


def caption_length(text: str) -> int:
    """A caption's length as Telegram counts it: UTF-16 code units, an emoji 2 (WhatsApp counts
    characters, never more)."""
    return len(text.encode("utf-16-le")) // 2


def read_image(data: bytes) -> Image:
    """An image from uploaded bytes; raises InvalidInput unless it is a JPEG or PNG file of at
    most MAX_IMAGE_BYTES."""
    if not data:
        raise InvalidInput("the image file is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInput(f"the image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    mime = next((m for magic, m in _SIGNATURES.items() if data.startswith(magic)), None)
    if mime is None:
        raise InvalidInput("the image must be a JPEG or PNG file")
    return Image(hashlib.sha256(data).hexdigest(), mime, data)
