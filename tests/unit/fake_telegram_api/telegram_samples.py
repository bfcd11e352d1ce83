"""What the fake Telegram Bot API's tests send: the fixtures' chats, image headers the fake
reads, an inline keyboard."""

from __future__ import annotations

import struct
import zlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

CHAT = 5831104529  # Budi's private chat in the fixtures
GROUP = -1001876543210  # the supergroup in the fixtures


def png(width: int, height: int) -> bytes:
    """The start of a PNG: signature and IHDR chunk (all the fake reads)."""
    header = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + header
        + struct.pack(">I", zlib.crc32(header))
    )


def jpeg(width: int, height: int) -> bytes:
    """The start of a JPEG: SOI, a JFIF APP0 segment and a baseline start-of-frame."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01" + bytes(7)
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + bytes(9)
    return b"\xff\xd8" + app0 + frame


def keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Lapor", callback_data="menu:lapor"),
                InlineKeyboardButton("Cek status", callback_data="menu:status"),
            ],
            [InlineKeyboardButton("Situs Polres", url="https://polres.example.go.id")],
        ]
    )
