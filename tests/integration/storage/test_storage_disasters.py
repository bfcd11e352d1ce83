"""Disaster mode: on per area with a message, off, and seen by every turn."""

from __future__ import annotations

import pytest

from bot.core.errors import InvalidInput
from bot.core.types import Inbound
from bot.storage.database import Database
from bot.storage.disasters import SqlDisasters
from bot.storage.inbox import SqlInbox


async def test_on_off_per_area_and_in_the_turn(db: Database, inbox: SqlInbox) -> None:
    disasters = SqlDisasters(db)
    await disasters.switch_on("Kecamatan Cangkringan", {"id": "Awas Merapi", "en": ""}, "admin")
    await disasters.switch_on(None, {"id": "Siaga banjir"}, "admin")
    await disasters.switch_on("cangkringan", {"id": "Awas Merapi, segera mengungsi"}, "admin")

    active = await disasters.active()
    assert [(a.area, a.texts) for a in active] == [
        (None, {"id": "Siaga banjir"}),
        ("cangkringan", {"id": "Awas Merapi, segera mengungsi"}),
    ]
    accepted = await inbox.accept(Inbound("telegram", "42", "m1", "ngungsi kemana"))
    turn = await inbox.load_turn(accepted.message_id)
    assert turn is not None
    assert turn.disasters == active

    assert await disasters.switch_off("Cangkringan", "admin") == 1
    assert [a.area for a in await disasters.active()] == [None]
    assert await disasters.switch_off(None, "admin") == 1
    assert await disasters.active() == []
    with pytest.raises(InvalidInput):
        await disasters.switch_on(None, {"en": "only English"}, "admin")
