from collections.abc import Callable

import pytest

from bot.core.content import Content
from bot.core.handling import Context
from handlers import smalltalk

MakeContext = Callable[..., Context]
MENU_PAYLOADS = ["/lapor", "/status", "/saran", "/petugas"]


def test_greet_says_hello_and_shows_the_menu(make_context: MakeContext, content: Content) -> None:
    outcome = smalltalk.handle(make_context("pagi min", intent="greet"))

    [reply] = outcome.replies
    assert reply.text == (
        f"{content.texts.get('id', 'smalltalk.greet')}\n\n{content.texts.get('id', 'menu.text')}"
    )
    assert [b.payload for b in reply.buttons] == MENU_PAYLOADS


@pytest.mark.parametrize("intent", ["thanks", "goodbye"])
def test_thanks_and_goodbye_get_a_short_answer(
    make_context: MakeContext, content: Content, intent: str
) -> None:
    outcome = smalltalk.handle(make_context("makasih", language="en", intent=intent))

    [reply] = outcome.replies
    assert reply.text == content.texts.get("en", f"smalltalk.{intent}")
    assert reply.buttons == ()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ok", "smalltalk.ok"),
        ("siaap pak", "smalltalk.ok"),
        ("Oke deh 👍", "smalltalk.ok"),
        ("noted, min", "smalltalk.ok"),
        ("ok makasih", "smalltalk.thanks"),  # thanks said: "you're welcome"
        ("pak", "smalltalk.thanks"),  # no acknowledgement in it
    ],
)
def test_an_acknowledgement_taken_for_thanks_is_not_answered_you_are_welcome(
    make_context: MakeContext, content: Content, text: str, key: str
) -> None:
    [reply] = smalltalk.handle(make_context(text, intent="thanks")).replies

    assert reply.text == content.texts.get("id", key)


def test_start_welcomes_then_shows_the_menu(make_context: MakeContext, content: Content) -> None:
    [reply] = smalltalk.handle(make_context("/start", command="/start")).replies

    welcome = content.texts.get("id", "smalltalk.greet")
    assert reply.text == f"{welcome}\n\n{content.texts.get('id', 'menu.text')}"
    assert [b.payload for b in reply.buttons] == MENU_PAYLOADS


@pytest.mark.parametrize("command", ["/help", "/menu"])
def test_menu_commands_show_the_menu(
    make_context: MakeContext, content: Content, command: str
) -> None:
    outcome = smalltalk.handle(make_context(command, command=command))

    [reply] = outcome.replies
    assert reply.text == content.texts.get("id", "menu.text")
    assert "110" in reply.text
    assert [b.payload for b in reply.buttons] == MENU_PAYLOADS
    assert outcome.state is None


def test_a_question_announced_is_asked_for(make_context: MakeContext, content: Content) -> None:
    outcome = smalltalk.handle(make_context("pak saya mau tanya", command="/tanya"))

    [reply] = outcome.replies
    assert reply.text == content.texts.get("id", "smalltalk.ask")
    assert outcome.state is None  # the question that follows is read as any message


def test_chit_chat_shows_the_menu_in_english(make_context: MakeContext, content: Content) -> None:
    outcome = smalltalk.handle(make_context("are you a robot", language="en", intent="smalltalk"))

    [reply] = outcome.replies
    assert reply.text == content.texts.get("en", "menu.text")
    assert [b.title for b in reply.buttons] == [
        "Report an incident",
        "Check report status",
        "Feedback / complaint",
        "Ask an officer",
    ]
