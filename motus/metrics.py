"""What the game counts for operators: guesses, finished games, today's players.

Labels are small closed sets (results, refusal reasons, outcomes, 1–6 tries): never
a player, a word or a path. Every label value is created at zero when the app is
built, so a dashboard shows 0 instead of "no data" and `rate()` sees the first
increment (Prometheus's advice for counters with known labels).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Gauge
from redis.exceptions import RedisError

from motus.game.rules import MAX_ATTEMPTS, Refusal, Status

log = logging.getLogger("motus.metrics")

# Why a try was answered 409: the codes the API sends.
CONFLICT_REASONS = ("attempt_conflict", "attempt_out_of_order", "game_over", "puzzle_changed")
# What happens to guests: admitted or refused at their first try, and at login.
GUEST_EVENTS = ("admitted", "refused", "moved", "kept")
# How often each replica reads today's figures from redis-game.
TODAY_REFRESH_SECONDS = 5.0


class GameMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.guesses = Counter(
            "motus_game_guesses",
            "Tries received, by result (accepted, replayed, refused, conflict) and reason (refusal or conflict code)",
            ["result", "reason"],
            registry=registry,
        )
        self.finished = Counter(
            "motus_game_games_finished",
            "Games that ended on this replica, by outcome (won, lost) and number of tries",
            ["outcome", "tries"],
            registry=registry,
        )
        # Read from redis-game, where both replicas count: each replica reports the
        # same figure, so aggregate with max(), never sum().
        self.players_today = Gauge(
            "motus_game_players_today",
            "Players who played at least one try of today's puzzle (both replicas report it: use max)",
            registry=registry,
        )
        self.finished_today = Gauge(
            "motus_game_finished_today",
            "Games of today's puzzle finished, by outcome and tries (both replicas report it: use max)",
            ["outcome", "tries"],
            registry=registry,
        )
        self.guests = Counter(
            "motus_game_guests",
            "Visitors playing without an account: admitted (a first try), refused (too many from one "
            "address), and at login their game of today moved into the account or dropped (the account had one)",
            ["event"],
            registry=registry,
        )
        self.today_puzzle = Gauge(
            "motus_game_puzzle_number", "The puzzle number the today figures are about", registry=registry
        )
        for result in ("accepted", "replayed"):
            self.guesses.labels(result, "")
        for refusal in Refusal:
            self.guesses.labels("refused", refusal.value)
        for reason in CONFLICT_REASONS:
            self.guesses.labels("conflict", reason)
        for event in GUEST_EVENTS:
            self.guests.labels(event)
        for outcome, tries in finish_labels():
            self.finished.labels(outcome, tries)
            self.finished_today.labels(outcome, tries)

    def accepted(self, replayed: bool) -> None:
        self.guesses.labels("replayed" if replayed else "accepted", "").inc()

    def refused(self, reason: str) -> None:
        self.guesses.labels("refused", reason).inc()

    def conflict(self, reason: str) -> None:
        self.guesses.labels("conflict", reason).inc()

    def guest(self, event: str) -> None:
        self.guests.labels(event).inc()

    def game_over(self, status: Status, tries: int) -> None:
        self.finished.labels(status.value, str(tries)).inc()

    def set_today(self, puzzle: int, summary: dict[str, int]) -> None:
        """summary: the day's counters as the guess script keeps them (players, won:N, lost:6)."""
        self.today_puzzle.set(puzzle)
        self.players_today.set(summary.get("players", 0))
        for outcome, tries in finish_labels():
            self.finished_today.labels(outcome, tries).set(summary.get(f"{outcome}:{tries}", 0))


def finish_labels() -> list[tuple[str, str]]:
    """Every way a game can end: won in 1 to 6 tries, or lost after 6."""
    return [("won", str(n)) for n in range(1, MAX_ATTEMPTS + 1)] + [("lost", str(MAX_ATTEMPTS))]


TodayReader = Callable[[], Awaitable[tuple[int, dict[str, int]]]]


async def refresh_today(metrics: GameMetrics, read: TodayReader, every: float = TODAY_REFRESH_SECONDS) -> None:
    """Copies today's figures from redis-game into the gauges until cancelled.

    Read on a timer rather than on each guess, so a replica that serves no guesses
    still reports the day's figures, and the gauges move to the new puzzle at midnight.
    """
    while True:
        try:
            puzzle, summary = await read()
            metrics.set_today(puzzle, summary)
        except (RedisError, OSError) as exc:
            # Stale gauges for a while; the store's outage shows in readiness and in redis_up.
            log.debug("today's figures unavailable", extra={"error": type(exc).__name__})
        except Exception:
            log.exception("today's figures failed")
        await asyncio.sleep(every)
