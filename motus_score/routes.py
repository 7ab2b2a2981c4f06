"""The score API under /api/score. Thin: records.py does the work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from motus_kit.deps import NowDep
from motus_kit.errors import error_responses
from motus_score import access, records
from motus_score.deps import CallerDep, OptionalCallerDep, ScoreStoreDep
from motus_score.schemas import PLAYER_ID, AllTimeBoardOut, DailyBoardOut, ResultIn, ResultOut, StatsOut
from motus_score.store import Recorded

router = APIRouter(prefix="/api/score", tags=["score"])

PlayerId = Annotated[str, Path(pattern=PLAYER_ID, description="The player's id (the token's `sub`).")]
PuzzleNumber = Annotated[int, Path(ge=1, le=100_000)]
Limit = Annotated[int, Query(ge=1, le=100, description="How many rows of the top.")]

_AUTH_ERRORS = {
    400: "invalid_request: the Authorization header is not 'Bearer <token>'.",
    401: "token_required or invalid_token (bad signature, issuer, audience, or expired); see WWW-Authenticate.",
    403: "insufficient_scope, not_your_stats, or not_a_recorder.",
    503: "store_unavailable or auth_unavailable (the provider's keys cannot be fetched); retry shortly.",
}


@router.put(
    "/results/{player}/{puzzle}",
    response_model=ResultOut,
    status_code=201,
    responses={
        200: {"model": ResultOut, "description": "Already recorded: the stored record, with replayed=true."},
        **error_responses(
            {
                **_AUTH_ERRORS,
                409: "result_conflict: another result is stored for this player and puzzle (kept).",
                422: "invalid_request or puzzle_in_future.",
            }
        ),
    },
    summary="Record a finished game; idempotent on (player, puzzle). Needs the game's score:record token",
)
async def record_result(
    player: PlayerId,
    puzzle: PuzzleNumber,
    body: ResultIn,
    caller: CallerDep,
    store: ScoreStoreDep,
    now: NowDep,
    request: Request,
    response: Response,
) -> ResultOut:
    access.require_recorder(caller, request.app.state.settings.recorders)
    outcome, out = await records.record(store, player, puzzle, body, now)
    request.app.state.results_total.labels(outcome.value).inc()
    records.refuse_conflict(outcome, puzzle)
    if outcome is Recorded.REPLAY:
        response.status_code = 200
    return out


@router.get(
    "/players/{player}/stats",
    response_model=StatsOut,
    responses=error_responses(_AUTH_ERRORS),
    summary="A player's statistics; a player may read only their own. Needs scope score:read",
)
async def player_stats(player: PlayerId, caller: CallerDep, store: ScoreStoreDep, now: NowDep, response: Response):
    access.require_scope(caller, access.READ)
    records.require_self(caller, player)
    response.headers["Cache-Control"] = "no-store"
    return await records.stats(store, player, now)


@router.get(
    "/leaderboards/daily",
    response_model=DailyBoardOut,
    responses=error_responses({k: _AUTH_ERRORS[k] for k in (400, 401, 503)}),
    summary="A puzzle's solvers by attempts then time (today's by default); public, a token adds `me`",
)
async def daily_board(
    store: ScoreStoreDep,
    caller: OptionalCallerDep,
    now: NowDep,
    puzzle: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    limit: Limit = 10,
) -> DailyBoardOut:
    return await records.daily_board(store, puzzle, limit, caller, now)


@router.get(
    "/leaderboards/all-time",
    response_model=AllTimeBoardOut,
    responses=error_responses({k: _AUTH_ERRORS[k] for k in (400, 401, 503)}),
    summary="Every player by wins then best streak; public, a token adds `me`",
)
async def all_time_board(store: ScoreStoreDep, caller: OptionalCallerDep, limit: Limit = 10) -> AllTimeBoardOut:
    return await records.all_time_board(store, limit, caller)
