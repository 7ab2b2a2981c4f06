"""The game's JSON API under /api/game."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from motus import cookies, guest, play, scores
from motus.deps import GameStoreDep, PlayerDep, ScoreDep, TableDep, table_of
from motus.game import daily
from motus.guest import Guest
from motus.player import playing_as
from motus.schemas import GameOut, GuessIn, GuessOut, HardIn
from motus_kit.deps import NowDep
from motus_kit.errors import ApiError, error_responses
from motus_kit.responses import FastJSONResponse

router = APIRouter(prefix="/api/game", tags=["game"])


_ERRORS = {
    401: "login_required: this browser's login ended (a visitor with no login plays as a guest).",
    404: "no_puzzle: no puzzle for today (before the launch or after the schedule).",
    413: "too_large: the body is over the size limit.",
    503: "store_unavailable: the game's store is unavailable; retry in a few seconds.",
}


def _private(response: Response) -> None:
    # Per-player state: never cached by a browser or a proxy.
    response.headers["Cache-Control"] = "no-store"


async def json_only(request: Request) -> None:
    # With a SameSite=Lax cookie a cross-site form cannot post here anyway; insisting
    # on JSON also shuts out a text/plain form that happens to look like JSON.
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise ApiError(415, "unsupported_media_type", "Envoyez le corps en JSON (Content-Type: application/json).")


NO_STORE = {"Cache-Control": "no-store"}
# What any try answers beyond the game's own errors, today's or the archive's.
TRY_ERRORS = {
    400: "invalid_json: the body is not valid JSON.",
    415: "unsupported_media_type: the body is not JSON.",
    429: "too_many_guests: too many new guests from this address; log in, or wait (Retry-After).",
}


@router.get(
    "/today",
    response_model=GameOut,
    responses=error_responses(_ERRORS),
    summary="Today's puzzle and where this player stands",
)
async def today(player: PlayerDep, games: GameStoreDep, table: TableDep) -> Response:
    # Encoded once, as the guess's answer is (README "Speed"); the model documents it.
    puzzle = play.current_puzzle(table.now)
    return FastJSONResponse(await play.game_of(games, player, puzzle, table), headers=NO_STORE)


@router.post(
    "/guess",
    response_model=GuessOut,
    # A dependency, not a call in the route: it must answer 415 before the body is
    # validated as JSON (a 422 would hide the real mistake).
    dependencies=[Depends(json_only)],
    responses=error_responses(
        {
            **_ERRORS,
            **TRY_ERRORS,
            409: "attempt_conflict, game_over, attempt_out_of_order or puzzle_changed.",
            422: "Refused word (costs no try): not_a_word, wrong_length, wrong_first_letter, unknown_word, "
            "hard_mode (a hint of hard mode dropped; the message names it); or invalid_request.",
        }
    ),
    summary="Play a try; idempotent per attempt number",
)
async def guess(body: GuessIn, request: Request) -> Response:
    # Documents the route; requests are served by `guess_endpoint` below.
    return await _guess(body, request)


async def _guess(body: GuessIn, request: Request) -> Response:
    # The platform's hot path: the session read inside the guess's own Redis script,
    # and the answer encoded once (README, "Speed"). Per-player state: never cached.
    table = table_of(request)
    return await play_try(request, body, play.current_puzzle(table.now), body.puzzle, table)


async def play_try(request: Request, body: GuessIn, puzzle: daily.Puzzle, seen: int | None, table) -> Response:
    """A try at `puzzle` by this browser's account or guest; a new guest gets its cookie."""
    app = request.app.state
    secret = app.settings.session_secret.get_secret_value()
    by = playing_as(request.cookies, secret, request.client.host if request.client else "unknown")
    answer = await play.guess(app.stores, by, body.attempt, body.word, puzzle, seen, table, app.game_metrics)
    response = FastJSONResponse(answer, headers=NO_STORE)
    if isinstance(by, Guest) and by.new:
        signed = guest.sign(by.id, secret)
        cookies.set_private(response, table.public_url, guest.COOKIE, signed, guest.MAX_AGE_SECONDS)
    return response


async def guess_endpoint(request: Request) -> Response:
    """POST /api/game/guess as a plain Starlette endpoint, served ahead of the router
    (`motus_kit.hot_route`): the same checks in the same order (415, then 400 for bad
    JSON, then 422 with the fields), the same answer, inside the same middleware
    (request id, headers, access line, metrics, error shapes), without FastAPI's
    per-request routing, dependency resolution and body handling: +31 % guesses a
    second straight to a replica, +22 % through HAProxy (bench.throughput, one run each
    way); skipping the exception and exit-stack middleware and the router's match too:
    +8 % more straight (three 10 s runs each way)."""
    await json_only(request)
    try:
        body = GuessIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None
    return await _guess(body, request)


GUESS_PATH = router.prefix + "/guess"


@router.post(
    "/hard",
    response_model=GameOut,
    dependencies=[Depends(json_only)],
    responses=error_responses(
        {
            **_ERRORS,
            404: "no_puzzle: no such puzzle out (today's when `puzzle` is absent).",
            409: "game_started: the game has had its first try; hard mode is chosen before it.",
            415: "unsupported_media_type: the body is not JSON.",
            422: "invalid_request.",
        }
    ),
    summary="Turn hard mode on or off for the games not started yet (today's, or the archive's `puzzle`)",
)
async def hard(body: HardIn, player: PlayerDep, games: GameStoreDep, request: Request) -> Response:
    table = table_of(request, hard=body.hard)
    puzzle = (
        play.current_puzzle(table.now) if body.puzzle is None else play.archived_puzzle(str(body.puzzle), table.now)
    )
    response = FastJSONResponse(await play.set_hard(games, player, puzzle, table), headers=NO_STORE)
    # A setting: the next days' games start with it too.
    value = "1" if body.hard else "0"
    cookies.set_private(response, table.public_url, cookies.HARD, value, cookies.HARD_MAX_AGE_SECONDS)
    return response


@router.get(
    "/stats",
    responses=error_responses(
        {
            401: "login_required: statistics are for accounts (a guest is invited to log in), "
            "or the login must be renewed to read them.",
            503: "score_unavailable or store_unavailable; retry in a few seconds.",
        }
    ),
    summary="The player's statistics, read from the score service on their behalf",
)
async def stats(player: PlayerDep, games: GameStoreDep, score: ScoreDep, now: NowDep, response: Response) -> dict:
    # The daily statistics from the score service, and the archive's own count beside them.
    _private(response)
    return await scores.stats(games, score, player, now)


@router.get(
    "/leaderboards",
    responses=error_responses({503: "score_unavailable: the score service cannot answer; retry shortly."}),
    summary="Today's and the all-time leaderboards, with the player's own rank when logged in",
)
async def leaderboards(player: PlayerDep, score: ScoreDep, response: Response) -> dict:
    _private(response)
    return await scores.leaderboards(score, player)
