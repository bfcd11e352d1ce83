"""The new-topic form offers what the FAQ loader accepts."""

from pathlib import Path

import yaml

from bot.core.content import FAQ_ACTIONS
from bot.web.pages import ASPECT_NAMES
from bot.web.review import TOPIC_ACTIONS

ROOT = Path(__file__).resolve().parents[3]


def test_the_form_offers_every_button_and_every_part() -> None:
    assert set(TOPIC_ACTIONS) == set(FAQ_ACTIONS)
    assert list(ASPECT_NAMES) == list(yaml.safe_load((ROOT / "data" / "aspects.yml").read_text()))
