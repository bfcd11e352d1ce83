from bot.core.words import words


def test_words_are_lowercase_runs_of_letters_and_digits() -> None:
    assert words("Brp biaya SKCK-nya?? 2x") == ["brp", "biaya", "skck", "nya", "2x"]


def test_punctuation_emoji_and_underscores_are_not_words() -> None:
    assert words("pak 🙏 ... ok_deh!!") == ["pak", "ok", "deh"]


def test_letters_of_any_script_are_words() -> None:
    assert words("Café, naïve") == ["café", "naïve"]
