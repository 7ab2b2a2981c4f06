from datetime import date

import pytest

from motus.game import calendar


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("2026-11", date(2026, 11, 1)),
        ("2027-01", date(2027, 1, 1)),
        ("2026-13", None),
        ("2026-1", None),
        ("2026-00", None),
        ("novembre", None),
        ("2026-11-01", None),
        ("2026-11\n", None),
        ("0000-05", None),
        ("２０２６-11", None),
    ],
)
def test_a_month_is_written_yyyy_mm(text, first):
    assert calendar.parse_month(text) == first


def test_a_month_runs_up_to_today_and_not_before_the_launch():
    days = calendar.puzzle_days(date(2026, 12, 1), today=date(2026, 12, 6))
    assert days == [(date(2026, 12, d), 30 + d) for d in range(1, 7)]
    assert calendar.puzzle_days(date(2026, 11, 1), today=date(2026, 12, 6))[0] == (date(2026, 11, 1), 1)
    assert len(calendar.puzzle_days(date(2026, 11, 1), today=date(2026, 12, 6))) == 30
    assert calendar.puzzle_days(date(2026, 10, 1), today=date(2026, 12, 6)) == []  # before the launch
    assert calendar.puzzle_days(date(2027, 1, 1), today=date(2026, 12, 6)) == []  # not out yet


def test_neighbours_are_the_months_with_puzzles():
    today = date(2026, 12, 6)
    assert calendar.neighbours(date(2026, 12, 1), today) == (date(2026, 11, 1), None)
    assert calendar.neighbours(date(2026, 11, 1), today) == (None, date(2026, 12, 1))
    assert calendar.neighbours(date(2027, 2, 1), date(2027, 3, 2)) == (date(2027, 1, 1), date(2027, 3, 1))
    assert calendar.month_label(date(2027, 1, 1)) == "2027-01"
