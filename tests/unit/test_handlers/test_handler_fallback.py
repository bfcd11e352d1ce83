from collections.abc import Callable

from bot.core.content import Content
from bot.core.handling import Context
from handlers import fallback

MakeContext = Callable[..., Context]


def test_fallback_says_so_and_shows_the_menu(make_context: MakeContext, content: Content) -> None:
    outcome = fallback.handle(make_context(""))

    [reply] = outcome.replies
    texts = content.texts
    assert reply.text == f"{texts.get('id', 'fallback.text')}\n\n{texts.get('id', 'menu.text')}"
    assert [b.payload for b in reply.buttons] == ["/lapor", "/status", "/saran", "/petugas"]
    assert outcome.ticket is None
    assert outcome.state is None


def test_fallback_in_english(make_context: MakeContext) -> None:
    outcome = fallback.handle(make_context("/unknown", language="en", command="/unknown"))

    assert outcome.replies[0].text.startswith("Sorry, I did not understand that message.")
