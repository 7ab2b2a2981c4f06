"""HTML pages of the game."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from motus import visits
from motus_kit.deps import RedisDep

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, summary="Home page")
async def home(request: Request, redis: RedisDep) -> HTMLResponse:
    visitor, is_new = visits.visitor_from_cookie(request.cookies.get(visits.COOKIE))
    count = await visits.record_visit(redis, visitor)
    response = request.app.state.templates.TemplateResponse(
        request, "home.html", {"visits": count, "instance": request.app.state.settings.instance}
    )
    if is_new:
        response.set_cookie(
            visits.COOKIE,
            visitor,
            max_age=30 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=request.headers.get("x-forwarded-proto") == "https",
        )
    return response
