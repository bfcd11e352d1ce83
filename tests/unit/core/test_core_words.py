import re

from bot.core.words import phrase_alternatives, phrases, undoubled_words, words


def test_words_are_lowercase_runs_of_letters_and_digits() -> None:
    assert words("Brp biaya SKCK-nya?? 2x") == ["brp", "biaya", "skck", "nya", "2x"]


def test_punctuation_emoji_and_underscores_are_not_words() -> None:
    assert words("pak 🙏 ... ok_deh!!") == ["pak", "ok", "deh"]


def test_letters_of_any_script_are_words() -> None:
    assert words("Café, naïve") == ["café", "naïve"]


def test_phrase_alternatives_put_the_longest_first_and_take_any_spacing() -> None:
    pattern = re.compile(phrase_alternatives(["di", " Di  Depan ", "", "in front of"]))

    assert pattern.pattern == r"in\s+front\s+of|di\s+depan|di"
    match = pattern.match("di   depan pasar")
    assert match is not None
    assert match.group() == "di   depan"
    assert phrase_alternatives([]) == ""


def test_a_word_doubled_with_a_2_is_written_once() -> None:
    assert undoubled_words("ga pulang2, syarat2nya apa? 2x b2") == [
        "ga", "pulang", "syaratnya", "apa", "2x", "b2",
    ]  # fmt: skip


def test_phrases_are_the_runs_of_words_up_to_a_length() -> None:
    assert phrases(undoubled_words("Ga pulang2!"), 2) == {"ga", "pulang", "ga pulang"}
    assert phrases([], 3) == set()
