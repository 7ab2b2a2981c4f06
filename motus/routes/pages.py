"""HTML pages of the game. The page is a shell; the game state comes from /api/game/today."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from motus.deps import PlayerDep

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, summary="The game page, or the welcome page before login")
async def home(request: Request, player: PlayerDep) -> HTMLResponse:
    context = {"instance": request.app.state.settings.instance}
    if not player.id:
        return request.app.state.templates.TemplateResponse(request, "welcome.html", {**context, "error": None})
    page = request.app.state.templates.TemplateResponse(request, "game.html", {**context, "name": player.name})
    page.headers["Cache-Control"] = "no-store"
    return page
