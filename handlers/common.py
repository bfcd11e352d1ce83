"""Small pieces several handlers share: the menu, yes/no words, ticket summaries."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.types import Button, Reply

YES_WORDS = frozenset(
    [
        "/ya",
        "ya",
        "iya",
        "iyaa",
        "y",
        "yes",
        "yup",
        "yep",
        "ok",
        "oke",
        "okay",
        "okey",
        "benar",
        "betul",
        "boleh",
        "mau",
        "setuju",
        "kirim",
        "/kirim",
        "send",
        "sure",
    ]
)
NO_WORDS = frozenset(
    [
        "/tidak",
        "tidak",
        "tdk",
        "gak",
        "ga",
        "gk",
        "nggak",
        "enggak",
        "engga",
        "ngga",
        "no",
        "nope",
        "jangan",
        "ndak",
        "tak",
    ]
)
SUMMARY_LIMIT = 200


def menu_buttons(context: Context) -> tuple[Button, ...]:
    return (
        Button(context.t("button.report"), "/lapor"),
        Button(context.t("button.status"), "/status"),
        Button(context.t("button.feedback"), "/saran"),
        Button(context.t("button.officer"), "/petugas"),
    )


def menu_reply(context: Context, intro: str | None = None) -> Reply:
    text = context.t("menu.text")
    return Reply(f"{intro}\n\n{text}" if intro else text, menu_buttons(context))


def yes_no(text: str) -> bool | None:
    """True for yes, False for no, None when the answer is neither."""
    words = text.strip().lower().rstrip(".!").split()
    if not words:
        return None
    if words[0] in YES_WORDS:
        return True
    if words[0] in NO_WORDS:
        return False
    return None


def summarize(text: str) -> str:
    """The first line of a ticket in the queue: the citizen's words, shortened."""
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_LIMIT else flat[: SUMMARY_LIMIT - 1] + "…"
