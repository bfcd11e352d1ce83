import pytest

from bot.core.self_harm import of_oneself, tells_of_self_harm


@pytest.mark.parametrize(
    "text",
    [
        "saya mau bunuh diri",
        "aku capek hidup, pengen mati aja",
        "udh ga kuat hidup lagi pak",
        "I want to kill myself",
        "I don't want to live anymore",
        "thinking about self-harm again",
    ],
)
def test_thoughts_of_self_harm_of_ones_own(text: str) -> None:
    assert tells_of_self_harm(text)
    assert of_oneself(text)


@pytest.mark.parametrize(
    "text", ["teman saya bilang mau bunuh diri", "ada orang mau bunuh diri di jembatan"]
)
def test_someone_elses_thoughts_of_self_harm(text: str) -> None:
    assert tells_of_self_harm(text)
    assert not of_oneself(text)


@pytest.mark.parametrize(
    "text", ["hidupku lagi capek banget kerja terus", "ada orang gantung diri di rumah kosong", ""]
)
def test_no_thoughts_of_self_harm(text: str) -> None:
    assert not tells_of_self_harm(text)
    assert not of_oneself(text)
