"""Delivery of finished games to the score service, measured on a private stack
(`make bench`).

Prints: the lag from a game's last try to its result being stored by the score
service, in normal operation; then how long a backlog takes to drain once a
stopped score tier is started again. Nothing is asserted.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import redis
from motus_stack.stack import Stack
from tests.support.players import Player, todays_puzzle, wrong_words
from tests.support.ports import free_base_port

PLAYERS = 20
BACKLOG = 20
# Not measured: each relay's first delivery also fetches the game's service token,
# and each score replica's first check fetches the provider's keys (~100 ms once).
WARM_UP = 4


def _finish_but_last(player: Player) -> None:
    puzzle = todays_puzzle()
    for attempt, word in enumerate(wrong_words(puzzle, 2), start=1):
        player.guess(attempt, word)


def _stored(score: redis.Redis, name: str) -> bool:
    return name in set(score.hvals("score:v1:names"))


def _wait_stored(score: redis.Redis, names: set[str], timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if names <= set(score.hvals("score:v1:names")):
            return time.monotonic() - start
        time.sleep(0.002)
    return None


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="motus-bench-") as state:
        stack = Stack(state_dir=Path(state), base_port=free_base_port(), credential_rate=10_000)
        stack.up(timeout=90)
        score = redis.Redis.from_url(stack.topology.redis_url("redis-score"), decode_responses=True)
        try:
            puzzle = todays_puzzle()
            players = [Player(stack.topology.public_url) for _ in range(WARM_UP + PLAYERS + BACKLOG)]
            for p in players:
                _finish_but_last(p)
            warm, players = players[:WARM_UP], players[WARM_UP:]
            for p in warm:
                p.guess(3, puzzle.answer)
            _wait_stored(score, {p.name for p in warm}, timeout=10)

            lags = []
            for p in players[:PLAYERS]:
                p.guess(3, puzzle.answer)
                sent = time.monotonic()
                lag = _wait_stored(score, {p.name}, timeout=10)
                lags.append((time.monotonic() - sent) if lag is not None else float("inf"))
            lags_ms = sorted(x * 1000 for x in lags)
            print(f"delivery lag, last try answered -> result stored by the score service ({PLAYERS} games in turn)")
            print(
                f"  p50 {statistics.median(lags_ms):6.1f} ms   p95 {lags_ms[int(0.95 * len(lags_ms)) - 1]:6.1f} ms"
                f"   max {lags_ms[-1]:6.1f} ms"
            )

            stack.stop(["score-1", "score-2"])
            for p in players[PLAYERS:]:
                p.guess(3, puzzle.answer)
            time.sleep(3)
            stored_meanwhile = sum(_stored(score, p.name) for p in players[PLAYERS:])
            started = time.monotonic()
            stack.start(["score-1", "score-2"])
            start_returned = time.monotonic() - started
            drained = _wait_stored(score, {p.name for p in players[PLAYERS:]}, timeout=60)
            print(f"\nbacklog of {BACKLOG} games finished while both score replicas were stopped")
            print(f"  stored while stopped: {stored_meanwhile}")
            if drained is None:
                print("  NOT drained within 60 s")
            else:
                print(
                    f"  all stored {start_returned + drained:.2f} s after `start score-1 score-2`"
                    f" (the replicas took {start_returned:.2f} s to start; HAProxy needs two good checks,"
                    " then the relays' next retry)"
                )
            counts = [score.hlen(f"score:v1:results:{user}") for user in score.hkeys("score:v1:names")]
            print(f"  results stored per player: {sorted(set(counts))} for {len(counts)} players")
            for p in warm + players:
                p.close()
        finally:
            score.close()
            stack.down()


if __name__ == "__main__":
    main()
