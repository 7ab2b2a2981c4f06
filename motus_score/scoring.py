"""Statistics and leaderboard order from recorded results. Pure: no web framework, no Redis.

Days are puzzle numbers (one per calendar day in Paris), so a 23- or 25-hour day
around a daylight-saving change is still exactly one step: streaks never see the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAX_ATTEMPTS = 6


@dataclass(frozen=True)
class Result:
    player: str
    puzzle: int
    won: bool
    attempts: int  # tries used: 1-6 for a win, 6 for a loss
    seconds: int  # time from the first try to the end
    # When the game ended, in milliseconds since its puzzle day began (Paris): orders
    # equal results on the daily board by who finished first. Not part of the result
    # itself (a replay with another finish time is still the same result).
    finished_ms: int = 0
    # Played in hard mode (every hint used): shown on the daily board, not a rule of
    # its own in the statistics (a hard win is a win).
    hard: bool = False

    def same_outcome(self, other: Result) -> bool:
        return (self.won, self.attempts, self.seconds) == (other.won, other.attempts, other.seconds)


@dataclass(frozen=True)
class Stats:
    played: int
    won: int
    win_percent: int
    current_streak: int
    best_streak: int
    distribution: dict[str, int]  # "1".."6" and "lost"
    average_attempts: float | None  # over wins only


def stats(results: Iterable[Result], today: int) -> Stats:
    """One player's statistics. `today` is the current puzzle number.

    A streak counts consecutive days won; a loss or a day without playing ends it.
    The current streak still stands if today's puzzle is not played yet.
    """
    by_puzzle = {r.puzzle: r for r in results}
    wins = [r for r in by_puzzle.values() if r.won]
    distribution = {str(n): 0 for n in range(1, MAX_ATTEMPTS + 1)} | {"lost": 0}
    for r in by_puzzle.values():
        distribution[str(r.attempts) if r.won else "lost"] += 1

    best = run = 0
    previous = None
    for puzzle in sorted(by_puzzle):
        if by_puzzle[puzzle].won:
            run = run + 1 if previous == puzzle - 1 and by_puzzle[previous].won else 1
            best = max(best, run)
        else:
            run = 0
        previous = puzzle

    current = 0
    day = today if today in by_puzzle else today - 1
    while day in by_puzzle and by_puzzle[day].won:
        current += 1
        day -= 1

    played = len(by_puzzle)
    return Stats(
        played=played,
        won=len(wins),
        win_percent=round(100 * len(wins) / played) if played else 0,
        current_streak=current,
        best_streak=best,
        distribution=distribution,
        average_attempts=round(sum(r.attempts for r in wins) / len(wins), 2) if wins else None,
    )


def daily_order(results: Iterable[Result]) -> list[Result]:
    """Today's solvers: fewer tries first, then less time, then who finished first;
    the player id last, for a stable order. Equal tries and time share a rank."""
    return sorted((r for r in results if r.won), key=lambda r: (r.attempts, r.seconds, r.finished_ms, r.player))


def all_time_key(wins: int, best_streak: int, player: str) -> tuple[int, int, str]:
    """Sort key for the all-time table: more wins, then a longer best streak."""
    return (-wins, -best_streak, player)
