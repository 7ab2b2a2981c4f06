"""Recording results and reading statistics and leaderboards: the store and the
scoring rules put together. No web framework here: routes call these and turn
ApiError into HTTP."""

from __future__ import annotations

import asyncio
from datetime import datetime

from motus_kit.errors import ApiError
from motus_kit.puzzle_days import puzzle_of
from motus_score import keys, scoring
from motus_score.access import Caller
from motus_score.schemas import AllTimeBoardOut, AllTimeRow, DailyBoardOut, DailyRow, ResultIn, ResultOut, StatsOut
from motus_score.scoring import Result
from motus_score.store import Contended, Entry, Recorded, ScoreStore


async def record(
    store: ScoreStore, player: str, puzzle: int, body: ResultIn, now: datetime
) -> tuple[Recorded, ResultOut]:
    # A day of slack for clocks: a result cannot be for a puzzle that has not started.
    if puzzle > puzzle_of(now) + 1:
        raise ApiError(422, "puzzle_in_future", f"Le mot n° {puzzle} n'a pas encore été publié.")
    result = Result(player, puzzle, body.won, body.attempts, body.seconds)
    try:
        outcome, stored = await store.record(result, body.name)
    except Contended:
        raise ApiError(503, "busy", "Trop d'écritures simultanées pour ce joueur ; réessayez.") from None
    return outcome, ResultOut(**vars(stored), replayed=outcome is Recorded.REPLAY)


def refuse_conflict(outcome: Recorded, puzzle: int) -> None:
    if outcome is Recorded.CONFLICT:
        raise ApiError(
            409,
            "result_conflict",
            f"Un autre résultat est déjà enregistré pour ce joueur et le mot n° {puzzle} ; il est conservé.",
        )


def require_self(caller: Caller, player: str) -> None:
    if caller.subject != player:
        raise ApiError(403, "not_your_stats", "Vous ne pouvez consulter que vos propres statistiques.")


async def stats(store: ScoreStore, player: str, now: datetime) -> StatsOut:
    results, today = await store.results_of(player), puzzle_of(now)
    return StatsOut(
        player=player,
        **vars(scoring.stats(results, today=today)),
        today=today,
        last_puzzle=max((r.puzzle for r in results), default=None),
    )


def _daily_row(entry: Entry) -> DailyRow:
    attempts, seconds = divmod(entry.score, 1_000_000)
    return DailyRow(rank=entry.rank, name=entry.name, attempts=attempts, seconds=seconds)


def _all_time_row(entry: Entry) -> AllTimeRow:
    wins, best = divmod(-entry.score, 100_000)
    return AllTimeRow(rank=entry.rank, name=entry.name, wins=wins, best_streak=best)


async def daily_board(store: ScoreStore, puzzle: int | None, limit: int, caller: Caller | None, now: datetime):
    puzzle = puzzle_of(now) if puzzle is None else puzzle
    board = keys.daily(puzzle)
    (played, solved), top, me = await asyncio.gather(
        store.puzzle_counts(puzzle), store.top(board, limit), _standing(store, board, caller)
    )
    return DailyBoardOut(
        puzzle=puzzle,
        played=played,
        solved=solved,
        top=[_daily_row(e) for e in top],
        me=_daily_row(me) if me else None,
    )


async def all_time_board(store: ScoreStore, limit: int, caller: Caller | None) -> AllTimeBoardOut:
    board = keys.all_time()
    players, top, me = await asyncio.gather(store.size(board), store.top(board, limit), _standing(store, board, caller))
    return AllTimeBoardOut(
        players=players,
        top=[_all_time_row(e) for e in top],
        me=_all_time_row(me) if me else None,
    )


async def _standing(store: ScoreStore, board: str, caller: Caller | None) -> Entry | None:
    return await store.standing(board, caller.subject) if caller else None
