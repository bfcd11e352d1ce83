"""data/ as the loader reads it: FAQ aspects must be known and written in every language."""

from pathlib import Path

import pytest

from bot.content import load_content
from bot.core.errors import ContentError

FAQ = """\
topic: skck
title: {id: SKCK, en: SKCK}
answer: {id: Semua tentang SKCK Rp30.000., en: All about SKCK Rp30.000.}
"""


def data_dir(tmp_path: Path, faq: str, aspects: str = "cost: [biaya, fee]\n") -> Path:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "id.yml").write_text("greet: Halo\n")
    (tmp_path / "messages" / "en.yml").write_text("greet: Hello\n")
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "skck.yml").write_text(faq)
    (tmp_path / "aspects.yml").write_text(aspects)
    return tmp_path


def test_a_topics_short_answers_are_read_with_the_words_that_ask_for_them(
    tmp_path: Path,
) -> None:
    faq = FAQ + "aspects:\n  cost: {id: Biaya SKCK Rp30.000., en: The fee is Rp30.000.}\n"
    content = load_content(data_dir(tmp_path, faq), ("id", "en"))

    asked = content.aspect_words.asked("berapa biayanya?")
    assert asked == {"cost"}
    assert content.faq["skck"].focused(asked, "en") == "The fee is Rp30.000."


@pytest.mark.parametrize(
    ("aspects", "error"),
    [
        ("  hours: {id: Buka 24 jam., en: Open 24 hours.}\n", r"unknown aspects \['hours'\]"),
        ("  cost: {id: Biaya Rp30.000.}\n", "aspects.cost is missing for en"),
    ],
)
def test_an_unknown_or_untranslated_aspect_is_refused(
    tmp_path: Path, aspects: str, error: str
) -> None:
    with pytest.raises(ContentError, match=error):
        load_content(data_dir(tmp_path, FAQ + "aspects:\n" + aspects), ("id", "en"))


def test_an_aspect_without_words_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="list of words"):
        load_content(data_dir(tmp_path, FAQ, aspects="cost: []\n"), ("id", "en"))


def test_an_unknown_action_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="action must be one of report, feedback"):
        load_content(data_dir(tmp_path, FAQ + "action: dance\n"), ("id", "en"))
