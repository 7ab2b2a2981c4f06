from datetime import date

import pytest

from motus_kit import puzzle_days as daily
from motus_score import scoring
from motus_score.scoring import Result


def _r(puzzle: int, won: bool = True, attempts: int = 3, seconds: int = 60, player: str = "p") -> Result:
    return Result(player, puzzle, won, attempts if won else 6, seconds)


def test_no_results():
    s = scoring.stats([], today=10)
    assert (s.played, s.won, s.win_percent, s.current_streak, s.best_streak) == (0, 0, 0, 0, 0)
    assert s.average_attempts is None
    assert s.distribution == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "6": 0, "lost": 0}


def test_counts_distribution_and_average_on_wins_only():
    s = scoring.stats([_r(1, attempts=2), _r(2, attempts=4), _r(3, won=False)], today=3)
    assert (s.played, s.won, s.win_percent) == (3, 2, 67)
    assert s.distribution["2"] == 1 and s.distribution["4"] == 1 and s.distribution["lost"] == 1
    assert s.average_attempts == 3.0


@pytest.mark.parametrize(
    ("results", "today", "current", "best"),
    [
        ([_r(1), _r(2), _r(3)], 3, 3, 3),
        ([_r(1), _r(2), _r(3)], 4, 3, 3),  # today not played yet: the streak still stands
        ([_r(1), _r(2), _r(3)], 5, 0, 3),  # yesterday missed: broken
        ([_r(1), _r(3), _r(4)], 4, 2, 2),  # a gap (day 2 not played) breaks it
        ([_r(1), _r(2), _r(3, won=False), _r(4)], 4, 1, 2),  # a loss breaks it
        ([_r(5), _r(1), _r(3), _r(2), _r(4)], 5, 5, 5),  # order of arrival does not matter
        ([_r(1, won=False)], 1, 0, 0),
    ],
)
def test_streaks(results, today, current, best):
    s = scoring.stats(results, today)
    assert (s.current_streak, s.best_streak) == (current, best)


def test_streak_across_both_daylight_saving_changes():
    # 2027-03-27..29 (spring forward) and 2027-10-30..11-01 (fall back): consecutive puzzles.
    days = [date(2027, 3, 27), date(2027, 3, 28), date(2027, 3, 29)]
    numbers = [daily.puzzle_number(d) for d in days]
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    s = scoring.stats([_r(n) for n in numbers], today=numbers[-1])
    assert s.current_streak == 3
    autumn = [daily.puzzle_number(d) for d in (date(2027, 10, 30), date(2027, 10, 31), date(2027, 11, 1))]
    assert scoring.stats([_r(n) for n in autumn], today=autumn[-1]).current_streak == 3


def test_daily_order_by_attempts_then_time_and_only_solvers():
    results = [
        _r(9, attempts=3, seconds=50, player="a"),
        _r(9, attempts=2, seconds=300, player="b"),
        _r(9, attempts=3, seconds=40, player="c"),
        _r(9, won=False, player="d"),
        _r(9, attempts=3, seconds=40, player="aa"),
    ]
    assert [r.player for r in scoring.daily_order(results)] == ["b", "aa", "c", "a"]


def test_all_time_order_by_wins_then_best_streak():
    rows = [(10, 3, "x"), (12, 1, "y"), (10, 5, "z")]
    assert [p for *_, p in sorted(rows, key=lambda r: scoring.all_time_key(*r))] == ["y", "z", "x"]
