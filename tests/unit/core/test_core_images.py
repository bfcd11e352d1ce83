"""Broadcast pictures: JPEG or PNG, at most 5 MB, named by their SHA-256."""

from __future__ import annotations

import hashlib

import pytest

from bot.core.errors import InvalidInput
from bot.core.images import MAX_IMAGE_BYTES, read_image
from tests.fakes.images import png

JPEG = b"\xff\xd8\xff\xe0" + bytes(200)


def test_a_png_and_a_jpeg_are_read_with_their_type_and_hash() -> None:
    picture = png()
    image = read_image(picture)
    assert (image.id, image.mime, image.filename) == (
        hashlib.sha256(picture).hexdigest(),
        "image/png",
        f"{image.id[:16]}.png",
    )
    jpeg = read_image(JPEG)
    assert (jpeg.mime, jpeg.filename.endswith(".jpg")) == ("image/jpeg", True)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "JPEG or PNG"),
        (b"GIF89a" + bytes(10), "JPEG or PNG"),
        (JPEG + bytes(MAX_IMAGE_BYTES), "larger than 5 MB"),
    ],
)
def test_anything_else_is_refused_with_a_reason(data: bytes, error: str) -> None:
    with pytest.raises(InvalidInput, match=error):
        read_image(data)
