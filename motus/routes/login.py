"""Logging players in through the auth service, and out."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from motus import cookies, guest, oidc, session
from motus.deps import (
    GameMetricsDep,
    GameSettingsDep,
    GameStoreDep,
    LoginStoreDep,
    PlayerDep,
    ProviderDep,
    SessionStoreDep,
)
from motus.game import daily
from motus.keys import LOGIN_TTL_SECONDS, SESSION_TTL_SECONDS
from motus.player import SessionRecord
from motus.store import Adoption
from motus_kit import signing

router = APIRouter(tags=["login"])
log = logging.getLogger("motus.login")


# Binds a login to the browser that started it: without it, an attacker could start a
# login, keep the callback URL and have a victim's browser finish it, logging the
# victim into the attacker's account (login CSRF).
LOGIN_COOKIE = "motus_login"
_LOGIN_PURPOSE = "game-login-state"


@router.get("/login", summary="Start logging in (or signing up) at the auth service")
async def login(settings: GameSettingsDep, logins: LoginStoreDep, signup: bool = False) -> Response:
    request = oidc.LoginRequest()
    await logins.save(request.state, request.as_dict())
    response = RedirectResponse(oidc.authorize_url(settings, request, signup), status_code=303)
    state = signing.sign(request.state, settings.session_secret.get_secret_value(), _LOGIN_PURPOSE)
    cookies.set_private(response, settings.public_url, LOGIN_COOKIE, state, LOGIN_TTL_SECONDS, "/login")
    return response


def _failure(request: Request, message: str, status: int = 400) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request,
        "welcome.html",
        {"instance": request.app.state.settings.instance, "error": message},
        status_code=status,
    )


@router.get("/login/callback", summary="Where the auth service sends the browser back")
async def callback(
    request: Request,
    settings: GameSettingsDep,
    logins: LoginStoreDep,
    sessions: SessionStoreDep,
    provider: ProviderDep,
    games: GameStoreDep,
    metrics: GameMetricsDep,
) -> Response:
    params = request.query_params
    mine = signing.unsign(request.cookies.get(LOGIN_COOKIE), settings.session_secret.get_secret_value(), _LOGIN_PURPOSE)
    state = params.get("state", "")
    # Only the browser that started this login may finish it.
    pending = await logins.pop(state) if state and state == mine else None
    if pending is None:
        # Unknown, used or expired state: maybe a forged callback (CSRF), maybe a stale tab.
        return _failure(request, "Cette connexion a expiré ou n'est pas la vôtre. Recommencez.")
    if params.get("iss") != settings.auth_issuer:
        # RFC 9207: the answer must come from our provider, not another one (mix-up attack).
        return _failure(request, "Réponse d'un fournisseur d'identité inconnu. Recommencez.")
    if "error" in params or "code" not in params:
        return _failure(request, "La connexion n'a pas abouti. Recommencez.")
    try:
        tokens, claims = await provider.exchange(params["code"], oidc.LoginRequest(**pending))
    except (oidc.LoginFailed, oidc.ProviderUnavailable) as exc:
        log.warning("login failed", extra={"reason": str(exc)[:300]})
        return _failure(request, "La connexion n'a pas pu être vérifiée. Recommencez.", 502)
    session_id = session.new_session_id()
    # The daily game is keyed by the account's subject, so it follows the player everywhere.
    record = SessionRecord.new(claims["sub"], claims.get("preferred_username", ""), tokens, uuid.uuid4().hex)
    await sessions.create(session_id, record.to_hash())
    secret = settings.session_secret.get_secret_value()
    adopted = await _adopt_guest_game(request, secret, record, games, metrics)
    response = RedirectResponse(_AFTER_ADOPTION.get(adopted, "/"), status_code=303)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    response.delete_cookie(guest.COOKIE, path="/")
    cookies.set_private(
        response, settings.public_url, session.COOKIE, session.sign(session_id, secret), SESSION_TTL_SECONDS
    )
    return response


# The page says what became of the guest's game (templates/game.html).
_AFTER_ADOPTION = {Adoption.MOVED: "/?partie=reprise", Adoption.KEPT: "/?partie=conservee"}


async def _adopt_guest_game(request: Request, secret: str, record: SessionRecord, games, metrics) -> Adoption:
    """Today's game played as a guest in this browser moves into the account, unless the
    account has its own (which stands). Never two results for one puzzle."""
    guest_id = guest.unsign(request.cookies.get(guest.COOKIE), secret)
    if guest_id is None:
        return Adoption.NONE
    try:
        puzzle = daily.today(datetime.now(UTC))
    except daily.NoPuzzle:
        return Adoption.NONE
    adopted = await games.adopt_guest_game(guest_id, record.subject, record.name, puzzle.number)
    if adopted is not Adoption.NONE:
        metrics.guest(adopted.value)
        log.info("guest game adopted", extra={"outcome": adopted.value, "puzzle": puzzle.number})
    return adopted


@router.post("/logout", summary="Log out of the game and of the auth service")
async def logout(request: Request, settings: GameSettingsDep, player: PlayerDep, sessions: SessionStoreDep) -> Response:
    # A form post from another site must not log players out: the browser says where
    # the form was (Origin), and only our own pages may send it.
    origin = request.headers.get("origin")
    public = urlsplit(settings.public_url)
    if origin and origin != f"{public.scheme}://{public.netloc}":
        return _failure(request, "Déconnexion refusée : la demande ne vient pas de Motus.", 403)
    id_token = player.id_token
    if player.session_id:
        await sessions.delete(player.session_id)
    response = RedirectResponse(oidc.end_session_url(settings, id_token), status_code=303)
    response.delete_cookie(session.COOKIE, path="/")
    return response


@router.post(
    "/backchannel-logout",
    summary="OpenID Connect back-channel logout: the provider ends the account's game sessions",
    include_in_schema=False,
)
async def backchannel_logout(request: Request, provider: ProviderDep, sessions: SessionStoreDep) -> Response:
    # Called by the provider through HAProxy's internal frontend (the public one does not
    # route it), with a logout token in a form. Answers as the specification says: 200,
    # or 400 with an OAuth-style error, never cached.
    form = await request.form(max_files=0, max_fields=4)
    token = form.get("logout_token")
    if not isinstance(token, str) or not token:
        return _backchannel_refused("logout_token is missing")
    try:
        claims = await provider.logout_claims(token)
    except oidc.LoginFailed as exc:
        log.warning("back-channel logout refused", extra={"reason": str(exc)[:200]})
        return _backchannel_refused("the logout token is not valid")
    except oidc.ProviderUnavailable:
        return JSONResponse({"error": "temporarily_unavailable"}, 503, headers={"Cache-Control": "no-store"})
    # A token acted on once is not acted on again; sent twice (a retry), it is the same logout.
    if await sessions.first_logout(claims["jti"], int(claims["exp"]) - int(time.time()) + 60):
        ended = await sessions.end_all(claims["sub"])
        log.info("back-channel logout", extra={"sessions_ended": ended})
    return Response(status_code=200, headers={"Cache-Control": "no-store"})


def _backchannel_refused(description: str) -> JSONResponse:
    body = {"error": "invalid_request", "error_description": description}
    return JSONResponse(body, 400, headers={"Cache-Control": "no-store"})
