"""/edukasi (or "tips"): the office's education campaigns, a tip at a time."""

from __future__ import annotations

from bot.core.content import Campaign, in_language
from bot.core.handling import Context
from bot.core.types import Button, Outcome, Reply
from handlers.common import command_argument, receives_broadcasts


def handle(context: Context) -> Outcome:
    campaigns = context.content.campaigns
    campaign = campaigns.get(command_argument(context).strip().lower())
    if campaign is None:
        buttons = tuple(
            Button(in_language(c.title, context.language), f"/edukasi {c.key}")
            for c in campaigns.values()
        )
        text = context.t("education.choose")
        if receives_broadcasts(context):
            text = f"{text} {context.t('education.can_subscribe')}"
        return Outcome(replies=(Reply(text, buttons),))
    return Outcome(replies=(_tip(context, campaign),))


def _tip(context: Context, campaign: Campaign) -> Reply:
    # A different tip each time the citizen asks again ("Tips lain").
    tip = campaign.tips[context.message.id % len(campaign.tips)]
    text = (
        f"💡 {in_language(campaign.title, context.language)}\n{in_language(tip, context.language)}"
    )
    buttons: tuple[Button, ...] = (
        Button(context.t("education.more"), f"/edukasi {campaign.key}"),
        Button(context.t("education.other"), "/edukasi"),
    )
    if receives_broadcasts(context):
        buttons += (Button(context.t("education.subscribe"), "/langganan"),)
    return Reply(text, buttons)
