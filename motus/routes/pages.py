"""HTML pages of the game, and what makes it installable. The game page is a shell; its
state comes from /api/game/today (or /api/game/puzzles/{n} for the archive)."""

from __future__ import annotations

import calendar as weeks
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from motus import archive, play, scores, session
from motus.deps import GameStoreDep, PlayerDep, ScoreDep, TableDep
from motus.game import daily
from motus_kit.errors import ApiError

router = APIRouter(tags=["pages"])
STATIC = Path(__file__).resolve().parent.parent / "static"
_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
# What became of a guest's game at login (routes/login.py), as the page says it.
_ADOPTION_NOTES = {
    "reprise": "Votre partie du jour est maintenant enregistrée dans votre compte.",
    "conservee": "Vous aviez déjà joué le mot du jour avec ce compte : cette partie est conservée, "
    "celle jouée en invité n'a pas été reprise.",
}


def _page(request: Request, template: str, context: dict, status: int = 200) -> HTMLResponse:
    context = {"instance": request.app.state.settings.instance, **context}
    page = request.app.state.templates.TemplateResponse(request, template, context, status_code=status)
    # Per player (their name, their results): never cached by a browser or a proxy.
    page.headers["Cache-Control"] = "no-store"
    return page


def _game_page(request: Request, player, puzzle: int | None) -> HTMLResponse:
    context = {
        "name": player.name,
        "guest": not player.logged_in,
        "puzzle": puzzle,
        "note": _ADOPTION_NOTES.get(request.query_params.get("partie", "")),
    }
    page = _page(request, "game.html", context)
    if player.login_ended:
        # The session behind this cookie is gone (or it was never ours): the browser
        # plays on as a guest from now on.
        page.delete_cookie(session.COOKIE, path="/")
    return page


@router.get("/", response_class=HTMLResponse, summary="The game page: today's word, logged in or as a guest")
async def home(request: Request, player: PlayerDep) -> HTMLResponse:
    return _game_page(request, player, None)


@router.get("/partie/{n}", response_class=HTMLResponse, summary="The game page for puzzle n of the archive")
async def archive_game(n: str, request: Request, player: PlayerDep, table: TableDep) -> HTMLResponse:
    try:
        found = play.archived_puzzle(n, table.now)
    except ApiError as exc:
        return _page(request, "missing.html", {"message": exc.message}, exc.status)
    return _game_page(request, player, found.number)


@router.get("/archives", response_class=HTMLResponse, summary="The archive: a month of puzzles and the results")
async def archives(
    request: Request, player: PlayerDep, games: GameStoreDep, table: TableDep, month: str | None = None
) -> HTMLResponse:
    try:
        found = await archive.month(games, player, month, table.now)
    except ApiError as exc:
        if exc.status != 422:
            raise
        return _page(request, "missing.html", {"message": exc.message}, 400)
    first = datetime.strptime(found["month"], "%Y-%m").date()
    by_day = {day["date"].day: day for day in found["days"]}
    context = {
        "calendar": found,
        "title": f"{_MONTHS[first.month - 1]} {first.year}",
        # Weeks from Monday, as French calendars are; 0 is a day of another month.
        "weeks": [
            [(d, by_day.get(d)) for d in week] for week in weeks.Calendar().monthdayscalendar(first.year, first.month)
        ],
        "today": daily.today_number(table.now),
        "guest": not player.logged_in,
    }
    return _page(request, "archives.html", context)


@router.get("/classement", response_class=HTMLResponse, summary="Today's and the all-time leaderboards")
async def leaderboard(request: Request, player: PlayerDep, score: ScoreDep, games: GameStoreDep) -> HTMLResponse:
    # Public: a visitor who is not logged in sees the tables, without a rank of their own.
    context = {"logged_in": player.logged_in, "boards": None}
    status = 200
    try:
        context["boards"] = await scores.leaderboards(score, player)
        context["today_status"] = await scores.today_status(games, player, datetime.now(UTC))
    except ApiError as exc:
        status = exc.status
    # Changes with every finished game, and holds the player's own rank.
    return _page(request, "leaderboard.html", context, status)


@router.get("/hors-ligne", response_class=HTMLResponse, summary="What the installed app shows with no connection")
async def offline(request: Request) -> HTMLResponse:
    # Cached by the service worker when it installs; the same for everyone.
    page = request.app.state.templates.TemplateResponse(request, "offline.html", {"instance": "hors ligne"})
    page.headers["Cache-Control"] = "no-cache"
    return page


@router.get("/manifest.webmanifest", include_in_schema=False)
async def manifest() -> Response:
    return FileResponse(
        STATIC / "manifest.webmanifest", media_type="application/manifest+json", headers={"Cache-Control": "no-cache"}
    )


@router.get("/sw.js", include_in_schema=False)
async def service_worker() -> Response:
    # At the root, so that its scope is the whole site; always checked for a new version.
    return FileResponse(STATIC / "sw.js", media_type="text/javascript", headers={"Cache-Control": "no-cache"})
