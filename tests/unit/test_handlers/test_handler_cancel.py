from collections.abc import Callable

from bot.core.content import Content
from bot.core.handling import Context
from bot.core.types import DialogState
from handlers import cancel

MakeContext = Callable[..., Context]


def test_cancel_with_an_open_dialog(make_context: MakeContext, content: Content) -> None:
    state = DialogState("crime_report", "when", {"what": "x"})

    outcome = cancel.handle(make_context("/batal", command="/batal", state=state))

    [reply] = outcome.replies
    assert reply.text == content.texts.get("id", "cancel.done")
    assert [b.payload for b in reply.buttons] == ["/lapor", "/status", "/saran", "/petugas"]
    assert outcome.state is None
    assert outcome.ticket is None


def test_cancel_without_a_dialog(make_context: MakeContext, content: Content) -> None:
    outcome = cancel.handle(make_context("cancel", language="en", command="/batal"))

    assert outcome.replies[0].text == content.texts.get("en", "cancel.nothing")
    assert outcome.state is None
