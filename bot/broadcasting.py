"""Broadcasts in `polres serve` (start them when their time comes) and on the terminal
(`polres broadcast …`: send with a live progress bar, list, cancel)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from datetime import time as dt_time
from typing import TextIO

from bot.config_file import DailyTip
from bot.core.content import Campaign, in_language
from bot.core.errors import ConfigError
from bot.core.wib import WIB, format_wib
from bot.storage.broadcasts import Progress, SqlBroadcasts

log = logging.getLogger(__name__)
BAR_WIDTH = 30
STALLED_SECONDS = 15.0  # no message sent for this long: say that `polres serve` must run
FINAL = ("done", "cancelled")


async def start_when_due(
    broadcasts: SqlBroadcasts,
    on_started: Callable[[], None],
    poll_seconds: float,
    daily_tips: DailyTips,
) -> None:
    """Until cancelled: create the day's tips when their time comes, start broadcasts whose
    time has come, then wake the outbox."""
    while True:
        try:
            await daily_tips.create_due(broadcasts, datetime.now(WIB))
            started = await broadcasts.start_due()
            if started:
                log.info("broadcasts started: %s", ", ".join(map(str, started)))
                on_started()
        except Exception:
            log.exception("starting due broadcasts failed; retrying")
        await asyncio.sleep(poll_seconds)


class DailyTips:
    """The day's tip of each campaign in `broadcasts.daily_tips`, once its time has come: a
    new one each day, created once whichever process gets there first."""

    def __init__(self, tips: Sequence[DailyTip], campaigns: Mapping[str, Campaign]) -> None:
        """Raises ConfigError for a campaign that data/campaigns/ does not have."""
        unknown = sorted({tip.campaign for tip in tips} - set(campaigns))
        if unknown:
            raise ConfigError(
                f"config.yml: broadcasts.daily_tips: no campaign {', '.join(unknown)} in "
                f"data/campaigns/ (there are: {', '.join(sorted(campaigns))})"
            )
        self.tips = tips
        self.campaigns = campaigns
        self._done_on: dict[str, date] = {}  # campaign → the last day its tip was created

    async def create_due(self, broadcasts: SqlBroadcasts, now: datetime) -> list[int]:
        """The ids of the tips this call created (another process may have been first)."""
        created = []
        day = now.date()
        for tip in self.tips:
            at = datetime.combine(day, dt_time.fromisoformat(tip.at), WIB)
            if self._done_on.get(tip.campaign) == day or now < at:
                continue
            campaign = self.campaigns[tip.campaign]
            today = campaign.tips[day.toordinal() % len(campaign.tips)]
            texts = {
                lang: f"💡 {in_language(campaign.title, lang)}\n{text}"
                for lang, text in today.items()
            }
            broadcast_id = await broadcasts.create_once(
                f"daily-tip:{tip.campaign}:{day.isoformat()}",
                topic=tip.topic,
                texts=texts,
                created_by="daily-tip",
                at=at,
            )
            self._done_on[tip.campaign] = day
            if broadcast_id is not None:
                created.append(broadcast_id)
        return created


def progress_line(progress: Progress) -> str:
    """'#3 [██████░░░░…]  60% 600/1000 · sent 590 · failed 4 · unreachable 6 · sending'"""
    total = progress.recipients
    share = progress.finished / total if total else 1.0
    filled = round(share * BAR_WIDTH)
    bar = "█" * filled + "░" * (BAR_WIDTH - filled)
    counts = f"sent {progress.sent} · failed {progress.failed} · unreachable {progress.unreachable}"
    if progress.delivered:
        counts += f" · delivered {progress.delivered}"
    if progress.cancelled:
        counts += f" · cancelled {progress.cancelled}"
    return (
        f"#{progress.id} [{bar}] {share:4.0%} {progress.finished}/{total} · {counts} · "
        f"{progress.status}"
    )


def summary_line(progress: Progress) -> str:
    area = f" in {progress.area}" if progress.area else ""
    urgent = " URGENT" if progress.urgent else ""
    text = progress.texts.get("id", "")
    preview = text if len(text) <= 50 else text[:49] + "…"
    return (
        f"#{progress.id}{urgent} {progress.topic}{area} · {format_wib(progress.scheduled_at)} · "
        f"{progress.status} · {progress.finished}/{progress.recipients} · {preview}"
    )


async def watch(
    broadcasts: SqlBroadcasts,
    broadcast_id: int,
    out: TextIO,
    interval: float = 0.5,
    clock: Callable[[], float] = time.monotonic,
) -> Progress:
    """Redraw the progress bar until the broadcast is done or cancelled."""
    last_finished, last_change = -1, clock()
    while True:
        progress = await broadcasts.progress(broadcast_id)
        if progress is None:
            raise LookupError(f"no broadcast #{broadcast_id}")
        out.write("\r" + progress_line(progress))
        out.flush()
        if progress.status in FINAL:
            out.write("\n")
            return progress
        if progress.finished != last_finished:
            last_finished, last_change = progress.finished, clock()
        elif clock() - last_change > STALLED_SECONDS and progress.status == "sending":
            out.write("\n(waiting: messages are sent by `polres serve`; is it running?)\n")
            last_change = clock()
        await asyncio.sleep(interval)
