"""Which puzzle day it is: shared by the game (today's word) and the score service
(streaks, today's leaderboard), so both count days the same way without talking.

A puzzle day is a calendar day in Paris; its number counts days since the launch.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
# Puzzle 1 is the day after this date.
LAUNCH_EVE = date(2026, 10, 31)


def paris_day(now: datetime) -> date:
    if now.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return now.astimezone(PARIS).date()


def puzzle_number(day: date) -> int:
    return (day - LAUNCH_EVE).days


def puzzle_of(now: datetime) -> int:
    """The number of the puzzle being played at `now` (an aware datetime)."""
    return puzzle_number(paris_day(now))


def day_start(puzzle: int) -> datetime:
    """Midnight in Paris on the puzzle's day (23 or 25 hours before the next one around
    a clock change)."""
    return datetime.combine(LAUNCH_EVE + timedelta(days=puzzle), time(), tzinfo=PARIS)
