"""The score service's Redis: results, names and the two leaderboards.
The only module of the service that speaks Redis commands."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis
from redis.exceptions import WatchError

from motus_score import keys, scoring
from motus_score.scoring import Result

# One player's results change at most a few times a day: this many lost races in a
# row means something is wrong, and the caller (the relay) will retry later anyway.
MAX_WATCH_ATTEMPTS = 20


class Contended(Exception):
    """Too many concurrent writes to one player's results; try again later."""


class Recorded(StrEnum):
    CREATED = "created"  # first time this (player, puzzle) is seen
    REPLAY = "replay"  # the same result again (a retried delivery): nothing changes
    CONFLICT = "conflict"  # a different result is already stored: refused


# Sorted-set scores that order like scoring.daily_order and scoring.all_time_key;
# equal scores fall back to the member (the player id), as those keys do.
def daily_score(attempts: int, seconds: int) -> int:
    return attempts * 1_000_000 + min(seconds, 999_999)


def all_time_score(wins: int, best_streak: int) -> int:
    # Negated so that ascending order (ZRANGE) puts the most wins first.
    return -(wins * 100_000 + min(best_streak, 99_999))


@dataclass(frozen=True)
class Entry:
    rank: int  # equal results share a rank
    player: str
    name: str
    score: int


def _encode(result: Result) -> str:
    return json.dumps({"won": result.won, "attempts": result.attempts, "seconds": result.seconds})


def _decode(player: str, puzzle: str, raw: str) -> Result:
    data = json.loads(raw)
    return Result(player, int(puzzle), bool(data["won"]), int(data["attempts"]), int(data["seconds"]))


class ScoreStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def record(self, result: Result, name: str) -> tuple[Recorded, Result]:
        """Stores the result once per (player, puzzle), with both leaderboards, atomically.

        Optimistic: WATCH the player's results, compute the all-time standing from
        them (a late result can join two streaks), then MULTI/EXEC; a concurrent
        record for the same player makes EXEC fail and we start again.
        """
        key = keys.results(result.player)
        async with self.redis.pipeline(transaction=True) as pipe:
            for _ in range(MAX_WATCH_ATTEMPTS):
                try:
                    await pipe.watch(key)
                    stored = await pipe.hgetall(key)
                    if str(result.puzzle) in stored:
                        await pipe.unwatch()
                        existing = _decode(result.player, str(result.puzzle), stored[str(result.puzzle)])
                        return (Recorded.REPLAY if existing == result else Recorded.CONFLICT), existing
                    history = [_decode(result.player, p, raw) for p, raw in stored.items()] + [result]
                    standing = scoring.stats(history, today=result.puzzle)
                    pipe.multi()
                    pipe.hset(key, str(result.puzzle), _encode(result))
                    pipe.hset(keys.names(), result.player, name)
                    counts = keys.puzzle_counts(result.puzzle)
                    pipe.hincrby(counts, "played", 1)
                    if result.won:
                        pipe.hincrby(counts, "won", 1)
                        score = daily_score(result.attempts, result.seconds)
                        pipe.zadd(keys.daily(result.puzzle), {result.player: score})
                    pipe.zadd(keys.all_time(), {result.player: all_time_score(standing.won, standing.best_streak)})
                    await pipe.execute()
                    return Recorded.CREATED, result
                except WatchError:
                    continue
        raise Contended(result.player)

    async def results_of(self, player: str) -> list[Result]:
        stored = await self.redis.hgetall(keys.results(player))
        return [_decode(player, p, raw) for p, raw in stored.items()]

    async def top(self, board: str, limit: int) -> list[Entry]:
        rows = await self.redis.zrange(board, 0, limit - 1, withscores=True)
        names = await self.redis.hmget(keys.names(), [p for p, _ in rows]) if rows else []
        entries: list[Entry] = []
        for i, ((player, score), name) in enumerate(zip(rows, names, strict=True)):
            score = int(score)
            same = entries and entries[-1].score == score
            entries.append(Entry(entries[-1].rank if same else i + 1, player, name or "?", score))
        return entries

    async def standing(self, board: str, player: str) -> Entry | None:
        score = await self.redis.zscore(board, player)
        if score is None:
            return None
        ahead = await self.redis.zcount(board, "-inf", f"({score}")
        name = await self.redis.hget(keys.names(), player)
        return Entry(ahead + 1, player, name or "?", int(score))

    async def size(self, board: str) -> int:
        return await self.redis.zcard(board)

    async def puzzle_counts(self, puzzle: int) -> tuple[int, int]:
        counts = await self.redis.hgetall(keys.puzzle_counts(puzzle))
        return int(counts.get("played", 0)), int(counts.get("won", 0))
