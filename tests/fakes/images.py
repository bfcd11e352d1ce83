"""An in-memory bot.core.ports.Images, and small valid pictures to put in it."""

from __future__ import annotations

import struct
import zlib

from bot.core.images import Image, read_image


class MemoryImages:
    def __init__(self) -> None:
        self.images: dict[str, Image] = {}
        self.loads = 0

    def add(self, data: bytes) -> str:
        image = read_image(data)
        self.images[image.id] = image
        return image.id

    async def load(self, image_id: str) -> Image:
        self.loads += 1
        return self.images[image_id]


def png(width: int = 4, height: int = 3, shade: int = 0) -> bytes:
    """A valid PNG of one grey `shade` (different shades: different pictures)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + bytes([shade]) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
