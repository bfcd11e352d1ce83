"""A picture goes to a platform once per process; later sends name it by the platform's id."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.core.errors import DeliveryError
from bot.core.images import Image
from bot.core.ports import Images

# Sends a picture, given as the platform's id for it or as the image to upload, and returns
# the platform's id for it.
SendPicture = Callable[[str | Image], Awaitable[str]]


class Uploads:
    def __init__(self, images: Images) -> None:
        self.images = images
        self._platform_ids: dict[str, str] = {}  # image id → the platform's id
        self._uploading: dict[str, asyncio.Lock] = {}

    async def send(self, image_id: str, send: SendPicture) -> None:
        """Uploads with the first send (the others wait for its id), then sends by id."""
        if (platform_id := self._platform_ids.get(image_id)) is None:
            async with self._uploading.setdefault(image_id, asyncio.Lock()):
                if (platform_id := self._platform_ids.get(image_id)) is None:
                    try:
                        image = await self.images.load(image_id)
                    except KeyError:
                        raise DeliveryError(f"no image {image_id}", retryable=False) from None
                    self._platform_ids[image_id] = await send(image)
                    return
        await send(platform_id)
