"""HTML pages of the game. The page is a shell; the game state comes from /api/game/today."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, summary="The game page")
async def home(request: Request) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, "game.html", {"instance": request.app.state.settings.instance}
    )
