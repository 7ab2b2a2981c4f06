"""HTML pages of the game. The game page is a shell; its state comes from /api/game/today."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from motus import scores
from motus.deps import GameStoreDep, PlayerDep, ScoreDep
from motus_kit.errors import ApiError

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, summary="The game page, or the welcome page before login")
async def home(request: Request, player: PlayerDep) -> HTMLResponse:
    context = {"instance": request.app.state.settings.instance}
    if not player.logged_in:
        return request.app.state.templates.TemplateResponse(request, "welcome.html", {**context, "error": None})
    page = request.app.state.templates.TemplateResponse(request, "game.html", {**context, "name": player.name})
    page.headers["Cache-Control"] = "no-store"
    return page


@router.get("/classement", response_class=HTMLResponse, summary="Today's and the all-time leaderboards")
async def leaderboard(request: Request, player: PlayerDep, score: ScoreDep, games: GameStoreDep) -> HTMLResponse:
    # Public: a visitor who is not logged in sees the tables, without a rank of their own.
    context = {"instance": request.app.state.settings.instance, "logged_in": player.logged_in, "boards": None}
    status = 200
    try:
        context["boards"] = await scores.leaderboards(score, player)
        context["today_status"] = await scores.today_status(games, player, datetime.now(UTC))
    except ApiError as exc:
        status = exc.status
    page = request.app.state.templates.TemplateResponse(request, "leaderboard.html", context, status_code=status)
    # Changes with every finished game, and holds the player's own rank.
    page.headers["Cache-Control"] = "no-store"
    return page
