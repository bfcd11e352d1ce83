"""Sliding windows for outbound sends: in flight until answered, then by the answer's time;
paused by a platform's flood control."""

from __future__ import annotations

import pytest

from bot.core.ratelimit import SlidingWindow


def test_a_send_in_flight_counts_until_answered_then_by_its_answer_time() -> None:
    window = SlidingWindow(limit=2, period=1.0)
    window.begin()
    window.begin()
    assert not window.allows(100.0)  # two in flight
    window.end(100.4)
    assert not window.allows(101.3)  # answered at 100.4: counted until 101.4
    window.end(101.35)
    assert not window.allows(101.39)
    assert window.allows(101.41)
    assert not window.idle(101.41)
    assert window.idle(102.4)


def test_a_message_in_parts_counts_each_call() -> None:
    window = SlidingWindow(limit=3, period=1.0)
    window.begin()
    window.end(10.0, count=3)
    assert not window.allows(10.5)
    assert window.allows(11.01)


def test_wait_is_the_time_until_the_oldest_event_leaves_the_window() -> None:
    window = SlidingWindow(2, 1.0)
    assert window.wait(0.0) == 0.0
    window.record(0.0)
    window.record(0.25)
    assert window.wait(0.5) == 0.5
    assert window.wait(1.0) == 0.0


def test_wait_with_the_window_full_of_sends_in_flight_is_short() -> None:
    window = SlidingWindow(2, 1.0)
    window.begin()
    window.begin()
    assert window.wait(0.0) == 0.5


def test_a_paused_window_allows_nothing_until_the_pause_ends() -> None:
    window = SlidingWindow(limit=30, period=1.0)
    window.pause_until(12.5)
    assert (window.free(10.0), window.allows(10.0), window.wait(10.0)) == (0, False, 2.5)
    window.pause_until(11.0)  # an earlier end never shortens the pause
    assert window.wait(12.0) == 0.5
    assert (window.free(12.5), window.wait(12.5)) == (30, 0.0)


def test_a_full_window_and_a_pause_wait_for_the_later_of_the_two() -> None:
    window = SlidingWindow(limit=2, period=1.0)
    window.record(10.0, count=2)
    window.pause_until(10.2)
    assert window.wait(10.1) == pytest.approx(0.9)  # the window frees at 11.0
    window.pause_until(11.5)
    assert window.wait(10.1) == pytest.approx(1.4)
