"""The game's JSON API under /api/game."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from motus import play, scores, session
from motus.deps import GameStoreDep, PlayerDep, ScoreDep
from motus.schemas import GameOut, GuessIn, GuessOut
from motus_kit.deps import NowDep
from motus_kit.errors import ApiError, error_responses
from motus_kit.responses import FastJSONResponse

router = APIRouter(prefix="/api/game", tags=["game"])


_ERRORS = {
    401: "login_required: no player is logged in on this browser (or the login ended).",
    404: "no_puzzle: no puzzle for today (before the launch or after the schedule).",
    413: "too_large: the body is over the size limit.",
    503: "store_unavailable: the game's store is unavailable; retry in a few seconds.",
}


def _private(response: Response) -> None:
    # Per-player state: never cached by a browser or a proxy.
    response.headers["Cache-Control"] = "no-store"


async def _json_only(request: Request) -> None:
    # With a SameSite=Lax cookie a cross-site form cannot post here anyway; insisting
    # on JSON also shuts out a text/plain form that happens to look like JSON.
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise ApiError(415, "unsupported_media_type", "Envoyez le corps en JSON (Content-Type: application/json).")


_NO_STORE = {"Cache-Control": "no-store"}


@router.get(
    "/today",
    response_model=GameOut,
    responses=error_responses(_ERRORS),
    summary="Today's puzzle and where this player stands",
)
async def today(player: PlayerDep, games: GameStoreDep, now: NowDep) -> Response:
    # Encoded once, as the guess's answer is (README "Speed"); the model documents it.
    return FastJSONResponse(await play.game_today(games, player, now), headers=_NO_STORE)


@router.post(
    "/guess",
    response_model=GuessOut,
    # A dependency, not a call in the route: it must answer 415 before the body is
    # validated as JSON (a 422 would hide the real mistake).
    dependencies=[Depends(_json_only)],
    responses=error_responses(
        {
            **_ERRORS,
            400: "invalid_json: the body is not valid JSON.",
            409: "attempt_conflict, game_over, attempt_out_of_order or puzzle_changed.",
            415: "unsupported_media_type: the body is not JSON.",
            422: "Refused word (costs no try): not_a_word, wrong_length, wrong_first_letter, unknown_word; "
            "or invalid_request.",
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
    app = request.app.state
    session_id = session.unsign(request.cookies.get(session.COOKIE), app.settings.session_secret.get_secret_value())
    answer = await play.guess(
        app.stores, session_id, body.attempt, body.word, body.puzzle, datetime.now(UTC), app.game_metrics
    )
    return FastJSONResponse(answer, headers=_NO_STORE)


async def guess_endpoint(request: Request) -> Response:
    """POST /api/game/guess as a plain Starlette endpoint, served ahead of the router
    (`motus_kit.hot_route`): the same checks in the same order (415, then 400 for bad
    JSON, then 422 with the fields), the same answer, inside the same middleware
    (request id, headers, access line, metrics, error shapes), without FastAPI's
    per-request routing, dependency resolution and body handling: +31 % guesses a
    second straight to a replica, +22 % through HAProxy (bench.throughput, one run each
    way); skipping the exception and exit-stack middleware and the router's match too:
    +8 % more straight (three 10 s runs each way)."""
    await _json_only(request)
    try:
        body = GuessIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None
    return await _guess(body, request)


GUESS_PATH = router.prefix + "/guess"


@router.get(
    "/stats",
    responses=error_responses(
        {
            401: "login_required: not logged in, or the login must be renewed to read statistics.",
            503: "score_unavailable or store_unavailable; retry in a few seconds.",
        }
    ),
    summary="The player's statistics, read from the score service on their behalf",
)
async def stats(player: PlayerDep, games: GameStoreDep, score: ScoreDep, now: NowDep, response: Response) -> dict:
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
