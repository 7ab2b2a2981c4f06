"""The score service's Redis: results, names and the two leaderboards.
The only module of the service that speaks Redis commands."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from redis.asyncio import Redis
from redis.exceptions import WatchError

from motus_kit.replication import Replicas
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
# equal scores fall back to the member (the player id), as those keys do. Written and
# read only here: the rows this module returns carry the fields, never the number.
# Daily: attempts, then seconds (< 10^5: a game cannot outlast its 25-hour day), then
# the milliseconds into the day when it ended (< 10^8): at most 7 * 10^13, exact in a
# double (2^53 ~ 9 * 10^15), which is what Redis keeps.
_PER_SECOND = 10**8
_PER_ATTEMPT = 10**13


def daily_score(attempts: int, seconds: int, finished_ms: int = 0) -> int:
    return attempts * _PER_ATTEMPT + min(seconds, 99_999) * _PER_SECOND + min(max(finished_ms, 0), _PER_SECOND - 1)


def _daily_fields(score: int) -> tuple[int, int]:
    """(attempts, seconds): what a rank is shared on."""
    attempts, rest = divmod(score, _PER_ATTEMPT)
    return attempts, rest // _PER_SECOND


def _daily_band(score: int) -> int:
    """The lowest score with the same attempts and seconds (finished at the day's start)."""
    return score - score % _PER_SECOND


def all_time_score(wins: int, best_streak: int) -> int:
    # Negated so that ascending order (ZRANGE) puts the most wins first.
    return -(wins * 100_000 + min(best_streak, 99_999))


def _all_time_fields(score: int) -> tuple[int, int]:
    """(wins, best streak)."""
    return divmod(-score, 100_000)


@dataclass(frozen=True)
class DailyRow:
    rank: int  # equal attempts and time share a rank
    player: str
    name: str
    attempts: int
    seconds: int
    hard: bool = False


@dataclass(frozen=True)
class AllTimeRow:
    rank: int  # equal wins and best streak share a rank
    player: str
    name: str
    wins: int
    best_streak: int


Row = TypeVar("Row", DailyRow, AllTimeRow)


@dataclass(frozen=True)
class Board(Generic[Row]):
    size: int  # everyone on it
    top: list[Row]
    me: Row | None  # the asking player's row, wherever they stand


def _encode(result: Result) -> str:
    return json.dumps(
        {
            "won": result.won,
            "attempts": result.attempts,
            "seconds": result.seconds,
            "finished_ms": result.finished_ms,
            "hard": result.hard,
        }
    )


def _decode(player: str, puzzle: str, raw: str) -> Result:
    data = json.loads(raw)
    return Result(
        player,
        int(puzzle),
        bool(data["won"]),
        int(data["attempts"]),
        int(data["seconds"]),
        int(data.get("finished_ms", 0)),  # results recorded before it was kept
        data.get("hard") is True,  # the same
    )


class ScoreStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._replicas = Replicas(redis)

    async def record(self, result: Result, name: str) -> tuple[Recorded, Result]:
        """Stores the result once per (player, puzzle), with both leaderboards, atomically,
        and returns once a replica has it too (a replayed delivery as well: the first
        answer may have been lost before its replica caught up)."""
        outcome, stored = await self._record(result, name)
        if outcome is not Recorded.CONFLICT:
            await self._replicas.confirm(keys.results(result.player), str(result.puzzle))
        return outcome, stored

    async def _record(self, result: Result, name: str) -> tuple[Recorded, Result]:
        """Optimistic: WATCH the player's results, compute the all-time standing from
        them (a late result can join two streaks), then MULTI/EXEC; a concurrent
        record for the same player makes EXEC fail and we start again."""
        key = keys.results(result.player)
        async with self.redis.pipeline(transaction=True) as pipe:
            for _ in range(MAX_WATCH_ATTEMPTS):
                try:
                    await pipe.watch(key)
                    stored = await pipe.hgetall(key)
                    if str(result.puzzle) in stored:
                        await pipe.unwatch()
                        existing = _decode(result.player, str(result.puzzle), stored[str(result.puzzle)])
                        same = existing.same_outcome(result)
                        return (Recorded.REPLAY if same else Recorded.CONFLICT), existing
                    history = [_decode(result.player, p, raw) for p, raw in stored.items()] + [result]
                    standing = scoring.stats(history, today=result.puzzle)
                    pipe.multi()
                    pipe.hset(key, str(result.puzzle), _encode(result))
                    pipe.hset(keys.names(), result.player, name)
                    counts = keys.puzzle_counts(result.puzzle)
                    pipe.hincrby(counts, "played", 1)
                    if result.won:
                        pipe.hincrby(counts, "won", 1)
                        score = daily_score(result.attempts, result.seconds, result.finished_ms)
                        pipe.zadd(keys.daily(result.puzzle), {result.player: score})
                    if result.hard:
                        pipe.sadd(keys.hard(result.puzzle), result.player)
                    pipe.zadd(keys.all_time(), {result.player: all_time_score(standing.won, standing.best_streak)})
                    await pipe.execute()
                    return Recorded.CREATED, result
                except WatchError:
                    continue
        raise Contended(result.player)

    async def results_of(self, player: str) -> list[Result]:
        stored = await self.redis.hgetall(keys.results(player))
        return [_decode(player, p, raw) for p, raw in stored.items()]

    async def daily_board(self, puzzle: int, limit: int, player: str | None) -> Board[DailyRow]:
        size, top, me = await self._board(keys.daily(puzzle), limit, player, _daily_fields, _daily_band)
        rows = [*top, me] if me else top
        hard = await self.redis.smismember(keys.hard(puzzle), [row[1] for row in rows]) if rows else []
        marked = [DailyRow(*row, hard=bool(flag)) for row, flag in zip(rows, hard, strict=True)]
        return Board(size, marked[: len(top)], marked[-1] if me else None)

    async def all_time_board(self, limit: int, player: str | None) -> Board[AllTimeRow]:
        size, top, me = await self._board(keys.all_time(), limit, player, _all_time_fields, lambda score: score)
        return Board(size, [AllTimeRow(*row) for row in top], AllTimeRow(*me) if me else None)

    async def _board(self, board: str, limit: int, player: str | None, fields, band) -> tuple[int, list, tuple | None]:
        """(size, top rows, the player's row) of a sorted set; a row is (rank, member, name, *fields).

        `fields(score)` is what a rank is shared on; `band(score)`, the lowest score
        with the same fields: whoever scores below it is ranked ahead."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zcard(board)
            pipe.zrange(board, 0, limit - 1, withscores=True)
            pipe.zscore(board, player or "")
            size, rows, own = await pipe.execute()
        ranked: list[tuple[int, str, tuple]] = []
        for i, (member, score) in enumerate(rows):
            shared = fields(int(score))
            rank = ranked[-1][0] if ranked and ranked[-1][2] == shared else i + 1
            ranked.append((rank, member, shared))
        mine = None
        if player and own is not None:
            ahead = await self.redis.zcount(board, "-inf", f"({band(int(own))}")
            mine = (ahead + 1, player, fields(int(own)))
        wanted = [member for _, member, _ in ranked] + ([player] if mine else [])
        names = await self.redis.hmget(keys.names(), wanted) if wanted else []
        rows_out = [(rank, member, names[i] or "?", *shared) for i, (rank, member, shared) in enumerate(ranked)]
        me = (mine[0], player, names[-1] or "?", *mine[2]) if mine else None
        return size, rows_out, me

    async def puzzle_counts(self, puzzle: int) -> tuple[int, int]:
        counts = await self.redis.hgetall(keys.puzzle_counts(puzzle))
        return int(counts.get("played", 0)), int(counts.get("won", 0))
