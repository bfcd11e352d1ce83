"""The terminal's progress bar for a broadcast; the day's tips."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.broadcasting import BAR_WIDTH, STALLED_SECONDS, DailyTips, progress_line, watch
from bot.config_file import DailyTip
from bot.core.content import Campaign
from bot.core.errors import ConfigError
from bot.core.wib import WIB
from bot.storage.broadcasts import Progress

START = Progress(
    id=7,
    topic="bencana",
    area=None,
    urgent=True,
    status="sending",
    scheduled_at=datetime(2026, 11, 26, tzinfo=UTC),
    texts={"id": "Waspada banjir"},
    queued=10,
)


def test_the_bar_counts_what_is_finished() -> None:
    half = replace(START, queued=5, sent=3, failed=1, unreachable=1)
    line = progress_line(half)
    assert line.startswith(f"#7 [{'█' * (BAR_WIDTH // 2)}{'░' * (BAR_WIDTH // 2)}]  50% 5/10")
    assert "sent 3 · failed 1 · unreachable 1 · sending" in line
    assert "cancelled" not in line
    assert "100%" in progress_line(replace(START, queued=0, sent=9, cancelled=1, status="done"))


class Scripted:
    """Answers `progress` with the next of a list of states (the last one repeats)."""

    def __init__(self, states: list[Progress]) -> None:
        self.states: Iterator[Progress] = iter(states)
        self.last = states[0]

    async def progress(self, broadcast_id: int) -> Progress:
        self.last = next(self.states, self.last)
        return self.last


async def test_watch_redraws_until_done() -> None:
    states = [START, replace(START, queued=4, sent=6), replace(START, queued=0, sent=10)]
    states[-1] = replace(states[-1], status="done")
    out = io.StringIO()

    final = await watch(Scripted(states), 7, out, interval=0)  # type: ignore[arg-type]

    assert final.status == "done"
    frames = out.getvalue().split("\r")[1:]
    assert [frame.split("]")[1].split()[0] for frame in frames] == ["0%", "60%", "100%"]
    assert out.getvalue().endswith("\n")


async def test_watch_says_when_nothing_is_being_sent() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += STALLED_SECONDS / 2 + 0.1
        return now[0]

    stuck = Scripted([START] * 4 + [replace(START, status="cancelled")])
    out = io.StringIO()

    await watch(stuck, 7, out, interval=0, clock=clock)  # type: ignore[arg-type]

    assert "is it running?" in out.getvalue()


class CountingBroadcasts:
    """Stands in for SqlBroadcasts.create_once: another process created every tip already."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def create_once(self, key: str, **broadcast: object) -> int | None:
        self.asked.append(key)
        return None


TIPS = (DailyTip(campaign="narkoba", topic="narkoba", at="19:00"),)
CAMPAIGNS = {"narkoba": Campaign("narkoba", {"id": "Narkoba"}, ({"id": "Jauhi"},))}


async def test_a_days_tip_is_asked_for_once_a_day() -> None:
    store = CountingBroadcasts()
    tips = DailyTips(TIPS, CAMPAIGNS)
    evening = datetime(2026, 11, 26, 19, 0, tzinfo=WIB)
    for minutes in (0, 1, 2):
        await tips.create_due(store, evening.replace(minute=minutes))  # type: ignore[arg-type]
    await tips.create_due(store, evening.replace(day=27))  # type: ignore[arg-type]
    assert store.asked == ["daily-tip:narkoba:2026-11-26", "daily-tip:narkoba:2026-11-27"]


def test_a_daily_tip_of_an_unknown_campaign_stops_the_start() -> None:
    unknown = (*TIPS, DailyTip(campaign="narkotika", topic="narkoba", at="07:00"))
    with pytest.raises(ConfigError, match="no campaign narkotika in data/campaigns/"):
        DailyTips(unknown, CAMPAIGNS)
