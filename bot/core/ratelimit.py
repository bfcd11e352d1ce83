"""Sliding-window rate limits for outbound sends (e.g. Telegram's 30/s overall, 1/s per chat)."""

from __future__ import annotations

from collections import deque


class SlidingWindow:
    """At most `limit` events in any `period` seconds, and none while paused.

    A send is counted from `begin` (in flight) and then by the time it was answered (`end`):
    the platform saw it arrive no later than that, so its own window never holds more than ours.
    A platform's flood control (a 429 with retry_after) pauses the window (`pause_until`).
    """

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._events: deque[float] = deque()
        self._in_flight = 0
        self._paused_until = 0.0

    def allows(self, now: float) -> bool:
        return self.free(now) > 0

    def free(self, now: float) -> int:
        """How many more events the window allows now."""
        if now < self._paused_until:
            return 0
        return max(0, self.limit - self._used(now))

    def wait(self, now: float) -> float:
        """Seconds until the window allows one more event (0 when it does now)."""
        paused = max(0.0, self._paused_until - now)
        if self._used(now) < self.limit:
            return paused
        if self._in_flight >= self.limit:
            return max(paused, self.period / self.limit)  # full of sends in flight: soon after
        return max(paused, self._events[0] + self.period - now)

    def pause_until(self, moment: float) -> None:
        self._paused_until = max(self._paused_until, moment)

    def _used(self, now: float) -> int:
        while self._events and self._events[0] <= now - self.period:
            self._events.popleft()
        return len(self._events) + self._in_flight

    def record(self, now: float, count: int = 1) -> None:
        self._events.extend([now] * count)

    def begin(self) -> None:
        self._in_flight += 1

    def end(self, now: float, count: int = 1) -> None:
        """The send begun earlier was answered now (`count` calls: a message in parts)."""
        self._in_flight -= 1
        self.record(now, count)

    def idle(self, now: float) -> bool:
        if self._in_flight:
            return False
        return not self._events or self._events[-1] <= now - self.period


class KeyedWindows:
    """One SlidingWindow per key (e.g. per chat); idle windows are forgotten."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._windows: dict[str, SlidingWindow] = {}

    def window(self, key: str, now: float) -> SlidingWindow:
        if len(self._windows) > 10_000:
            self._windows = {k: w for k, w in self._windows.items() if not w.idle(now)}
        return self._windows.setdefault(key, SlidingWindow(self.limit, self.period))
