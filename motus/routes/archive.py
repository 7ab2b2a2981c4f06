"""The archive ("partie libre") under /api/game: every past puzzle, played late, and the
calendar of a month. Thin: motus/play.py and motus/archive.py do the work."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from motus import archive, play
from motus.deps import GameStoreDep, PlayerDep, TableDep
from motus.routes.api import NO_STORE, TRY_ERRORS, json_only, play_try
from motus.schemas import CalendarOut, GameOut, GuessIn, GuessOut
from motus_kit.errors import ApiError, error_responses
from motus_kit.responses import FastJSONResponse

router = APIRouter(prefix="/api/game", tags=["archive"])

_ERRORS = {
    401: "login_required: this browser's login ended (a visitor with no login plays as a guest).",
    404: "no_puzzle: no such puzzle out: n must be a number from 1 to today's.",
    503: "store_unavailable: the game's store is unavailable; retry in a few seconds.",
}


@router.get(
    "/puzzles/{n}",
    response_model=GameOut,
    responses=error_responses(_ERRORS),
    summary="Puzzle n's game for this player (n = today's is today's game), in the shape of /today",
)
async def puzzle(n: str, player: PlayerDep, games: GameStoreDep, table: TableDep) -> Response:
    found = play.archived_puzzle(n, table.now)
    return FastJSONResponse(await play.game_of(games, player, found, table), headers=NO_STORE)


@router.post(
    "/puzzles/{n}/guess",
    response_model=GuessOut,
    dependencies=[Depends(json_only)],
    responses=error_responses(
        {
            **_ERRORS,
            **TRY_ERRORS,
            409: "attempt_conflict, game_over or attempt_out_of_order.",
            422: "Refused word (costs no try), as for /guess; or invalid_request (a `puzzle` that is not n).",
        }
    ),
    summary="Play a try at puzzle n; a past puzzle counts in no streak, no daily statistic, no leaderboard",
)
async def puzzle_guess(n: str, body: GuessIn, request: Request, table: TableDep) -> Response:
    found = play.archived_puzzle(n, table.now)
    if body.puzzle not in (None, found.number):
        raise ApiError(422, "invalid_request", "Le numéro du mot ne correspond pas à l'adresse.", fields=["puzzle"])
    # A try sent just before midnight for today's word is today's: no puzzle_changed here,
    # the address says which puzzle it is.
    return await play_try(request, body, found, None, table)


@router.get(
    "/calendar",
    response_model=CalendarOut,
    responses=error_responses({**_ERRORS, 422: "invalid_request: month is not YYYY-MM."}),
    summary="Each day of a month up to today with its puzzle and this player's result (this month by default)",
)
async def calendar(player: PlayerDep, games: GameStoreDep, table: TableDep, month: str | None = None) -> Response:
    return FastJSONResponse(await archive.month(games, player, month, table.now), headers=NO_STORE)
