from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.core.content import Content
from bot.core.evacuation import DisasterAlert, distance_km, in_kecamatan, map_link, nearest
from bot.core.handling import Context
from bot.core.types import DialogState, Location
from handlers import evacuation

MakeContext = Callable[..., Context]
KALIURANG = Location(-7.5960, 110.4260)  # up the slope, north of Pakem and Cangkringan


def test_distance_is_the_great_circle_distance() -> None:
    # One degree of latitude is about 111.2 km.
    assert distance_km(Location(0.0, 110.0), Location(1.0, 110.0)) == pytest.approx(111.19, 0.01)
    assert distance_km(KALIURANG, KALIURANG) == 0.0


def test_nearest_points_come_first(content: Content) -> None:
    points = content.evacuation_points
    ranked = nearest(points, KALIURANG, 3)
    assert [point.kecamatan for point, _ in ranked][:2] == ["Pakem", "Cangkringan"]
    assert [km for _, km in ranked] == sorted(km for _, km in ranked)
    assert [p.name for p in in_kecamatan(points, "saya di kecamatan DEPOK")] == [
        "Stadion Maguwoharjo"
    ]
    assert map_link(Location(-7.75, 110.41862)) == (
        "https://www.google.com/maps/search/?api=1&query=-7.75000,110.41862"
    )


def test_a_shared_location_gets_the_three_nearest_with_distances_and_links(
    make_context: MakeContext,
) -> None:
    outcome = evacuation.handle(make_context("", location=KALIURANG, command="/evakuasi"))

    [reply] = outcome.replies
    assert reply.text.count("https://www.google.com/maps/search/") == 3
    assert "Barak Pengungsian Purwobinangun" in reply.text
    assert " km" in reply.text
    assert "112" in reply.text
    assert outcome.state is None


def test_without_a_location_it_asks_for_one_and_waits(make_context: MakeContext) -> None:
    outcome = evacuation.handle(make_context("kalau merapi erupsi ngungsi kemana", language="id"))

    assert outcome.state == DialogState("evacuation", "location", {})
    assert "lokasi" in outcome.replies[0].text
    assert "Cangkringan" in outcome.replies[0].text  # the kecamatan it knows


def test_a_named_kecamatan_gets_its_points(make_context: MakeContext) -> None:
    state = DialogState("evacuation", "location", {})
    outcome = evacuation.handle(make_context("cangkringan", state=state))

    text = outcome.replies[0].text
    assert "Barak Pengungsian Glagaharjo" in text
    assert "Balai Desa Wukirsari" in text
    assert "Stadion" not in text


def test_something_else_while_waiting_for_a_location_is_routed_afresh(
    make_context: MakeContext,
) -> None:
    state = DialogState("evacuation", "location", {})
    assert evacuation.handle(make_context("syarat skck apa", state=state)).reroute


def test_disaster_mode_puts_the_offices_message_first_in_the_citizens_language(
    make_context: MakeContext,
) -> None:
    alert = DisasterAlert(
        "cangkringan",
        {"id": "Status Awas Merapi.", "en": "Merapi at the highest alert level."},
        datetime(2026, 11, 26, tzinfo=UTC),
    )
    context = replace(make_context("", language="en", location=KALIURANG), disasters=(alert,))
    text = evacuation.handle(context).replies[0].text
    assert text.startswith("⚠️ Disaster alert — Kecamatan Cangkringan: Merapi at the highest")
    assert "Evacuation points nearest to you" in text
