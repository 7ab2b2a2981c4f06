"""Recording results and reading statistics and leaderboards: the store and the
scoring rules put together. No web framework here: routes call these and turn
ApiError into HTTP."""

from __future__ import annotations

import asyncio
from datetime import datetime

from motus_kit.errors import ApiError
from motus_kit.puzzle_days import day_start, puzzle_of
from motus_score import scoring
from motus_score.access import Caller
from motus_score.schemas import AllTimeBoardOut, AllTimeRow, DailyBoardOut, DailyRow, ResultIn, ResultOut, StatsOut
from motus_score.scoring import Result
from motus_score.store import Contended, Recorded, ScoreStore


async def record(
    store: ScoreStore, player: str, puzzle: int, body: ResultIn, now: datetime
) -> tuple[Recorded, ResultOut]:
    # A day of slack for clocks: a result cannot be for a puzzle that has not started.
    if puzzle > puzzle_of(now) + 1:
        raise ApiError(422, "puzzle_in_future", f"Le mot n° {puzzle} n'a pas encore été publié.")
    # When it ended, in ms into its puzzle day: orders equal results on the daily board.
    # A game that does not say (an older client) is placed by when it is recorded.
    finished = body.finished_at / 1000 if body.finished_at is not None else now.timestamp()
    finished_ms = max(0, round((finished - day_start(puzzle).timestamp()) * 1000))
    result = Result(player, puzzle, body.won, body.attempts, body.seconds, finished_ms, body.hard)
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


async def daily_board(store: ScoreStore, puzzle: int | None, limit: int, caller: Caller | None, now: datetime):
    puzzle = puzzle_of(now) if puzzle is None else puzzle
    (played, solved), board = await asyncio.gather(
        store.puzzle_counts(puzzle), store.daily_board(puzzle, limit, caller.subject if caller else None)
    )

    def row(r) -> DailyRow:
        return DailyRow(rank=r.rank, name=r.name, attempts=r.attempts, seconds=r.seconds, hard=r.hard)

    return DailyBoardOut(
        puzzle=puzzle,
        played=played,
        solved=solved,
        top=[row(r) for r in board.top],
        me=row(board.me) if board.me else None,
    )


async def all_time_board(store: ScoreStore, limit: int, caller: Caller | None) -> AllTimeBoardOut:
    board = await store.all_time_board(limit, caller.subject if caller else None)

    def row(r) -> AllTimeRow:
        return AllTimeRow(rank=r.rank, name=r.name, wins=r.wins, best_streak=r.best_streak)

    return AllTimeBoardOut(players=board.size, top=[row(r) for r in board.top], me=row(board.me) if board.me else None)
