"""The daily puzzle: which day it is in Paris, its number, its answer.

Computed on every request from the clock and the committed schedule, so every
replica and every restart agree without sharing any state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from motus.game.words import schedule
from motus_kit.puzzle_days import LAUNCH_EVE, PARIS, paris_day, puzzle_number, puzzle_of


@dataclass(frozen=True)
class Puzzle:
    number: int
    day: date
    answer: str

    @property
    def length(self) -> int:
        return len(self.answer)

    @property
    def first_letter(self) -> str:
        return self.answer[0]


class NoPuzzle(LookupError):
    """The day is before the launch or past the end of the schedule."""


def puzzle_for(day: date) -> Puzzle:
    number = puzzle_number(day)
    lines = schedule()
    if not 1 <= number <= len(lines):
        raise NoPuzzle(f"no puzzle for {day.isoformat()} (number {number})")
    return Puzzle(number, day, lines[number - 1])


def published(number: int, now: datetime) -> Puzzle:
    """Puzzle `number` if it has been published by `now` (the archive: 1 up to today's)."""
    if not 1 <= number <= min(puzzle_of(now), len(schedule())):
        raise NoPuzzle(f"puzzle {number} is not published")
    return Puzzle(number, LAUNCH_EVE + timedelta(days=number), schedule()[number - 1])


def today_number(now: datetime) -> int:
    """Today's puzzle number, whether or not the schedule has a word for it."""
    return _day_of(now).number


def today(now: datetime) -> Puzzle:
    day = _day_of(now)
    if day.puzzle is None:
        return puzzle_for(day.day)  # raises NoPuzzle
    return day.puzzle


def next_puzzle_at(now: datetime) -> datetime:
    """The next midnight in Paris, as an aware datetime (23 or 25 hours away on DST days)."""
    return _day_of(now).next_midnight


@dataclass(frozen=True)
class _Day:
    """A Paris day, its bounds and its puzzle: asked for on every try, computed once a day."""

    day: date
    # In UTC, as the callers' clock is: a comparison between two datetimes of one
    # time zone skips the zone's offset lookups.
    starts: datetime
    ends: datetime
    next_midnight: datetime  # in Paris
    puzzle: Puzzle | None

    @property
    def number(self) -> int:
        return puzzle_number(self.day)


_current: _Day | None = None


def _day_of(now: datetime) -> _Day:
    global _current
    current = _current
    if current is not None and current.starts <= now < current.ends:
        return current
    day = paris_day(now)
    try:
        puzzle: Puzzle | None = puzzle_for(day)
    except NoPuzzle:
        puzzle = None
    starts = datetime.combine(day, time(0), tzinfo=PARIS)
    ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=PARIS)
    _current = current = _Day(day, starts.astimezone(UTC), ends.astimezone(UTC), ends, puzzle)
    return current
