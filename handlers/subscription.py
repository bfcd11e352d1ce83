"""/langganan and /berhenti (or asking in words: the subscribe and unsubscribe intents): a
citizen's consent to broadcasts, per topic (and kecamatan)."""

from __future__ import annotations

from bot.core.handling import Context
from bot.core.subscriptions import ALL, TOPICS, read_topic
from bot.core.types import Button, Outcome, Reply, SubscriptionChange
from handlers.common import command_argument, receives_broadcasts


def subscribe(context: Context) -> Outcome:
    if not receives_broadcasts(context):
        return _unavailable(context)
    request = read_topic(command_argument(context))
    if request.topic is None or request.topic == ALL:
        return Outcome(replies=(_choices(context, "subscribe", "/langganan", request.unknown),))
    where = context.t("subscribe.in_area", area=request.area.title()) if request.area else ""
    text = context.t("subscribe.done", topic=_name(context, request.topic), area=where)
    return Outcome(
        replies=(Reply(text),),
        subscription=SubscriptionChange(request.topic, subscribe=True, area=request.area),
    )


def _unavailable(context: Context) -> Outcome:
    """On a channel that cannot reach the citizen unasked (the web chat): where to subscribe,
    and the tips to read here."""
    tips = Button(context.t("button.tips"), "/tips")
    return Outcome(replies=(Reply(context.t("subscribe.unavailable"), (tips,)),))


def unsubscribe(context: Context) -> Outcome:
    if not receives_broadcasts(context):
        return _unavailable(context)
    request = read_topic(command_argument(context))
    if request.topic is None:
        choices = _choices(context, "unsubscribe", "/berhenti", request.unknown)
        everything = Button(context.t("unsubscribe.all_button"), f"/berhenti {ALL}")
        return Outcome(replies=(Reply(choices.text, (*choices.buttons, everything)),))
    topic = None if request.topic == ALL else request.topic
    name = context.t("unsubscribe.all") if topic is None else _name(context, topic)
    return Outcome(
        replies=(Reply(context.t("unsubscribe.done", topic=name)),),
        subscription=SubscriptionChange(topic, subscribe=False),
    )


def _choices(context: Context, kind: str, command: str, unknown: str | None) -> Reply:
    text = context.t(f"{kind}.choose")
    if unknown:
        text = f"{context.t('subscribe.unknown', topic=unknown)}\n{text}"
    buttons = tuple(Button(_name(context, topic), f"{command} {topic}") for topic in TOPICS)
    return Reply(text, buttons)


def _name(context: Context, topic: str) -> str:
    return context.t(f"topic.{topic}")
