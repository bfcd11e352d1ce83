import pytest

from handlers.common import SEND_WORDS, SUMMARY_LIMIT, summarize, yes_no


@pytest.mark.parametrize("text", ["/ya", "ya", "Iya!", "yes please", "OK.", "boleh"])
def test_yes(text: str) -> None:
    assert yes_no(text) is True
    assert yes_no(text, SEND_WORDS) is True


@pytest.mark.parametrize("text", ["/kirim", "kirim", "send"])
def test_send_is_yes_only_to_sending(text: str) -> None:
    assert yes_no(text, SEND_WORDS) is True
    assert yes_no(text) is None


@pytest.mark.parametrize("text", ["/tidak", "tidak", "gak usah", "No.", "jangan"])
def test_no(text: str) -> None:
    assert yes_no(text) is False


@pytest.mark.parametrize("text", ["", "   ", "mungkin", "terserah", "/lewati"])
def test_neither(text: str) -> None:
    assert yes_no(text) is None


def test_summarize_flattens_whitespace() -> None:
    assert summarize("  motor\n dicuri\t di pasar ") == "motor dicuri di pasar"


def test_summarize_shortens_long_text() -> None:
    short = "a" * SUMMARY_LIMIT
    assert summarize(short) == short
    long = summarize("b" * (SUMMARY_LIMIT + 1))
    assert len(long) == SUMMARY_LIMIT
    assert long.endswith("…")
