from typing import Any

import pytest

from bot.channels.webchat import CHANNEL, MAX_TEXT, parse_message
from bot.core.errors import InvalidInput
from bot.core.types import Location

SESSION = "session_ab-12"


def test_a_valid_body() -> None:
    inbound = parse_message(
        SESSION,
        {
            "text": "  syarat skck apa?  ",
            "id": "msg-1.a:b_c",
            "location": {"latitude": -6.2, "longitude": 106},
        },
    )

    assert inbound.channel == CHANNEL == "webchat"
    assert inbound.chat_id == SESSION
    assert inbound.external_id == "msg-1.a:b_c"
    assert inbound.text == "syarat skck apa?"
    assert inbound.location == Location(-6.2, 106.0)
    assert isinstance(inbound.location.longitude, float)
    assert inbound.media == ()


def test_without_an_id_a_random_one_is_made() -> None:
    first = parse_message(SESSION, {"text": "halo"})
    second = parse_message(SESSION, {"text": "halo"})

    assert first.external_id != second.external_id
    assert len(first.external_id) == 32
    assert first.location is None


def test_a_location_alone_is_enough() -> None:
    inbound = parse_message(SESSION, {"location": {"latitude": 90, "longitude": -180}})

    assert inbound.text == ""
    assert inbound.location == Location(90.0, -180.0)


def test_text_of_the_maximum_length_is_accepted() -> None:
    assert len(parse_message(SESSION, {"text": "a" * MAX_TEXT}).text) == MAX_TEXT == 4000


def rejected(session_id: str, body: Any) -> str:
    with pytest.raises(InvalidInput) as caught:
        parse_message(session_id, body)
    return str(caught.value)


@pytest.mark.parametrize(
    "session_id",
    [
        "short",
        "",
        "a" * 65,
        "session id with spaces",
        "sessi0n/../x",
        "séssion-123",
        "abcdefgh\n",  # `$` also matches before a final newline
    ],
)
def test_a_bad_session_id(session_id: str) -> None:
    assert "session id" in rejected(session_id, {"text": "halo"})


def test_session_id_lengths_at_the_limits() -> None:
    assert parse_message("a" * 8, {"text": "x"}).chat_id == "a" * 8
    assert parse_message("A_-9" * 16, {"text": "x"}).chat_id == "A_-9" * 16


@pytest.mark.parametrize("body", [None, [], "halo", 3, ["text", "halo"]])
def test_a_body_that_is_not_an_object(body: Any) -> None:
    assert "JSON object" in rejected(SESSION, body)


@pytest.mark.parametrize("text", [None, 5, ["halo"], {"a": 1}, True])
def test_text_must_be_a_string(text: Any) -> None:
    assert rejected(SESSION, {"text": text}) == "text must be a string"


def test_too_long_text() -> None:
    assert "longer than 4000" in rejected(SESSION, {"text": "a" * (MAX_TEXT + 1)})


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "  \n\t "}])
def test_empty_text(body: dict[str, Any]) -> None:
    assert rejected(SESSION, body) == "text must not be empty"


@pytest.mark.parametrize(
    "location",
    [
        {"latitude": 91, "longitude": 0},
        {"latitude": -90.5, "longitude": 0},
        {"latitude": 0, "longitude": 180.01},
        {"latitude": 0, "longitude": -181},
        {"latitude": float("nan"), "longitude": 0},
        {"latitude": float("inf"), "longitude": 0},
    ],
)
def test_location_out_of_range(location: dict[str, Any]) -> None:
    assert (
        rejected(SESSION, {"text": "di sini", "location": location}) == "location is out of range"
    )


@pytest.mark.parametrize(
    "location",
    [
        {"latitude": "-6.2", "longitude": 106.8},
        {"latitude": -6.2},
        {"latitude": True, "longitude": 106.8},
        {"latitude": None, "longitude": None},
    ],
)
def test_location_numbers_must_be_numbers(location: dict[str, Any]) -> None:
    assert "must be numbers" in rejected(SESSION, {"location": location})


@pytest.mark.parametrize("location", [[-6.2, 106.8], "-6.2,106.8", 5])
def test_location_must_be_an_object(location: Any) -> None:
    assert "location must be an object" in rejected(SESSION, {"location": location})


@pytest.mark.parametrize(
    "client_id", ["", "a" * 65, "has space", "semi;colon", "ünï", "msg-1\n", 7, ["x"], False]
)
def test_a_bad_client_id(client_id: Any) -> None:
    assert rejected(SESSION, {"text": "halo", "id": client_id}).startswith("id must be")


@pytest.mark.parametrize(
    "client_id", ["1", "a" * 64, "tg:123.456_7-8", "0f8fad5b-d9cb-469f-a165-70867728950e"]
)
def test_a_good_client_id(client_id: str) -> None:
    assert parse_message(SESSION, {"text": "halo", "id": client_id}).external_id == client_id
