"""The daily puzzle: which day it is in Paris, its number, its answer.

Computed on every request from the clock and the committed schedule, so every
replica and every restart agree without sharing any state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from motus.game.words import schedule
from motus_kit.puzzle_days import PARIS, paris_day, puzzle_number


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


def today(now: datetime) -> Puzzle:
    return puzzle_for(paris_day(now))


def next_puzzle_at(now: datetime) -> datetime:
    """The next midnight in Paris, as an aware datetime (23 or 25 hours away on DST days)."""
    tomorrow = paris_day(now) + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=PARIS)
