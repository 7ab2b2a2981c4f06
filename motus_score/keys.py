"""Every Redis key the score service writes. Results are kept forever: they are the
statistics. The store runs with appendfsync always (redis/redis-score.conf), so a
result acknowledged to the game survives a SIGKILL of Redis."""

from __future__ import annotations

PREFIX = "score:v1"


def results(player: str) -> str:
    """Hash: puzzle number -> the player's result for it (JSON)."""
    return f"{PREFIX}:results:{player}"


def names() -> str:
    """Hash: player id -> name shown in the leaderboards."""
    return f"{PREFIX}:names"


def daily(puzzle: int) -> str:
    """Sorted set of the puzzle's solvers, by attempts, seconds, then finish time (see
    store.daily_score). "daily2": the scores gained the finish time, so boards written
    before are left under their old name rather than misread (the results themselves
    are unchanged; only today's board from before the change starts empty)."""
    return f"{PREFIX}:daily2:{puzzle}"


def puzzle_counts(puzzle: int) -> str:
    """Hash: how many played and how many won the puzzle."""
    return f"{PREFIX}:puzzle:{puzzle}"


def all_time() -> str:
    """Sorted set of every player, by wins then best streak (see store.all_time_score)."""
    return f"{PREFIX}:all-time"


def hard(puzzle: int) -> str:
    """Set of the players who played the puzzle in hard mode: the daily board marks them."""
    return f"{PREFIX}:hard:{puzzle}"
