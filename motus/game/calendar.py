"""The archive's calendar: which puzzle each day of a month had. Pure: no web framework, no Redis."""

from __future__ import annotations

import re
from datetime import date, timedelta

from motus.game.words import schedule
from motus_kit.puzzle_days import LAUNCH_EVE, puzzle_number

_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
FIRST_DAY = LAUNCH_EVE + timedelta(days=1)


def parse_month(text: str) -> date | None:
    """The first day of a month written YYYY-MM, or None if it is not one."""
    found = _MONTH_RE.fullmatch(text)
    if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1:
        return None
    return date(int(found[1]), int(found[2]), 1)


def month_label(first: date) -> str:
    return f"{first.year:04d}-{first.month:02d}"


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def puzzle_days(first: date, today: date) -> list[tuple[date, int]]:
    """Each day of the month that starts on `first`, up to `today`, that had a puzzle:
    (the day, its puzzle number)."""
    last_scheduled = LAUNCH_EVE + timedelta(days=len(schedule()))
    end = min(_next_month(first) - timedelta(days=1), today, last_scheduled)
    day = max(first, FIRST_DAY)
    days = []
    while day <= end:
        days.append((day, puzzle_number(day)))
        day += timedelta(days=1)
    return days


def neighbours(first: date, today: date) -> tuple[date | None, date | None]:
    """The months before and after, where they had puzzles by `today` (None where not)."""
    before, after = _previous_month(first), _next_month(first)
    return (
        before if puzzle_days(before, today) else None,
        after if puzzle_days(after, today) else None,
    )
