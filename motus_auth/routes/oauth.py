"""The OAuth 2.0 / OpenID Connect endpoints. Thin: authlib does the protocol."""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode, urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from motus_auth import web
from motus_auth.deps import AccountsDep, SessionsDep
from motus_auth.oauth import backchannel, requests
from motus_auth.oauth.clients import AUTH_METHODS, SCOPES
from motus_auth.oauth.principal import Principal
from motus_auth.oauth.server import MotusAuthorizationServer

router = APIRouter(prefix="/auth", tags=["oauth"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _server(request: Request) -> MotusAuthorizationServer:
    return request.app.state.oauth


def _origin(request: Request) -> str:
    parts = urlsplit(_server(request).issuer)
    return f"{parts.scheme}://{parts.netloc}"


async def _oauth_request(request: Request) -> requests.StarletteOAuth2Request:
    return await requests.from_starlette(request, _origin(request))


@router.get("/.well-known/openid-configuration", summary="OpenID Connect discovery")
async def discovery(request: Request) -> JSONResponse:
    issuer = _server(request).issuer
    return JSONResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "revocation_endpoint": f"{issuer}/revoke",
            "introspection_endpoint": f"{issuer}/introspect",
            "end_session_endpoint": f"{issuer}/end-session",
            "scopes_supported": list(SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
            "revocation_endpoint_auth_methods_supported": list(AUTH_METHODS),
            "introspection_endpoint_auth_methods_supported": list(AUTH_METHODS),
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name", "preferred_username"],
            "authorization_response_iss_parameter_supported": True,
        }
    )


@router.get("/jwks", summary="The provider's public signing keys")
async def jwks(request: Request) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(_server(request).signing_keys.jwks))


# RFC 6749 parameters are printable ASCII (VSCHAR, %x20-7E). authlib puts a bad
# redirect_uri or response_type into its error description, and refuses to build an
# error whose description holds a double quote or a backslash: that was a 500 with a traceback in the
# log for anyone who typed one. Refused here first, with a page that says why.
_VSCHAR = re.compile(r"^[\x20-\x7e]*$")
_ECHOED_SAFE = re.compile(r'^[^"\\]*$')
_OPAQUE = frozenset({"state", "nonce"})  # any VSCHAR: never echoed by authlib


def _unprintable_parameter(request: Request) -> str | None:
    for name, value in request.query_params.multi_items():
        if not _VSCHAR.match(name) or not _VSCHAR.match(value):
            return name if _VSCHAR.match(name) else "?"
        if name not in _OPAQUE and not _ECHOED_SAFE.match(value):
            return name
    return None


@router.get("/authorize", summary="Authorization endpoint (code flow, PKCE S256, OpenID Connect)")
async def authorize(request: Request, sessions: SessionsDep, accounts: AccountsDep) -> Response:
    bad = _unprintable_parameter(request)
    if bad:
        message = f"Demande de connexion refusée : le paramètre « {bad} » contient des caractères non permis."
        return web.render(request, "account.html", {"errors": [message], "user": None}, 400)
    server = _server(request)
    oauth_request = await _oauth_request(request)
    session = web.session_id(request)
    found = await sessions.get(session) if session else None
    user = await accounts.by_id(found[0]) if found else None
    principal = Principal(user.id, user.username, found[1], family="") if user else None
    try:
        # With the user known, authlib applies prompt=none (login_required when absent).
        grant = await run_in_threadpool(server.get_consent_grant, oauth_request, principal)
    except OAuth2Error as error:
        return _authorization_error(request, server, oauth_request, error)
    data = oauth_request.payload.data
    for parameter in ("request", "request_uri"):
        if parameter in data:
            # OpenID Connect Core 6: a provider that does not take request objects says so,
            # rather than ignoring the signed parameters the client meant to send.
            error = OAuth2Error(description=f"{parameter} is not supported", redirect_uri=grant.redirect_uri)
            error.error = f"{parameter}_not_supported"
            return _authorization_error(request, server, oauth_request, error)
    if principal and _must_log_in_again(data.get("prompt"), data.get("max_age"), principal.auth_time):
        # prompt=login or a login older than max_age: the player proves it is them again.
        # The session is not ended here (a plain link would then log anyone out): the
        # new login replaces it once it succeeds (routes/accounts.py).
        principal = None
    if principal is None:
        # Log in first, then come back here with the same request (minus prompt=login
        # and max_age, which the fresh login has just satisfied: no loop).
        query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k not in ("prompt", "max_age")])
        back = f"{request.url.path}?{query}"
        return RedirectResponse("/auth/login?" + urlencode({"next": back}), status_code=303)
    # First-party clients only: the login is the consent, no extra screen.
    return await run_in_threadpool(server.create_authorization_response, oauth_request, principal, grant)


def _must_log_in_again(prompt: str | None, max_age: str | None, auth_time: int) -> bool:
    if prompt and "login" in prompt.split():
        return True
    if max_age is not None and max_age.isdigit():
        return time.time() - auth_time > int(max_age)
    return False


def _authorization_error(request, server, oauth_request, error: OAuth2Error) -> Response:
    # Back to the client with error= only once its redirect_uri is known to be its own;
    # an unknown client or a foreign redirect_uri gets a page here, never a redirect.
    if getattr(error, "redirect_uri", None):
        error.state = oauth_request.payload.state
        response = server.handle_error_response(oauth_request, error)
        # RFC 9207: error responses name the issuer too, so a client can trust them.
        response.headers["location"] = add_params_to_uri(response.headers["location"], {"iss": server.issuer})
        return response
    context = {"errors": [f"Demande de connexion refusée : {error.description or error.error}."], "user": None}
    return web.render(request, "account.html", context, 400)


def _invalid_request(description: str) -> JSONResponse:
    return JSONResponse({"error": "invalid_request", "error_description": description}, 400, headers=NO_STORE)


def _form_problem(oauth_request: requests.StarletteOAuth2Request) -> str | None:
    """Credentials travel in the body of a POST, each parameter once (RFC 6749 3.2, 3.1):
    a parameter in the URL ends up in logs and proxies' histories, and a repeated one
    may be read differently by two parsers."""
    if oauth_request.args:
        return "Parameters must be sent in the request body, not in the URL."
    repeated = sorted(name for name, values in oauth_request.payload.datalist.items() if len(values) > 1)
    if repeated:
        return f"Parameter repeated: {repeated[0]}."
    return None


@router.post("/token", summary="Token endpoint")
async def token(request: Request) -> Response:
    server = _server(request)
    oauth_request = await _oauth_request(request)
    problem = _form_problem(oauth_request)
    if problem:
        return _invalid_request(problem)
    return await run_in_threadpool(server.create_token_response, oauth_request)


async def _endpoint(request: Request, name: str) -> Response:
    # authlib's endpoints (oauth/endpoints.py) answer, errors included, through the
    # server's one error handler; the form is read here, on the event loop, first.
    oauth_request = await _oauth_request(request)
    problem = _form_problem(oauth_request) if request.method == "POST" and name != "userinfo" else None
    if problem:
        return _invalid_request(problem)
    response = await run_in_threadpool(_server(request).create_endpoint_response, name, oauth_request)
    response.headers.update(NO_STORE)
    return response


@router.api_route("/userinfo", methods=["GET", "POST"], summary="OpenID Connect userinfo")
async def userinfo(request: Request) -> Response:
    return await _endpoint(request, "userinfo")


@router.post("/revoke", summary="Token revocation (RFC 7009)")
async def revoke(request: Request) -> Response:
    return await _endpoint(request, "revocation")


@router.post("/introspect", summary="Token introspection (RFC 7662)")
async def introspect(request: Request) -> Response:
    return await _endpoint(request, "introspection")


@router.get("/end-session", response_class=HTMLResponse, summary="RP-initiated logout")
async def end_session(request: Request, sessions: SessionsDep) -> Response:
    server = _server(request)
    oauth_request = await _oauth_request(request)
    try:
        logout = await run_in_threadpool(server.validate_endpoint_request, "end_session", oauth_request)
    except OAuth2Error:
        logout = None
    session = web.session_id(request)
    found = await sessions.get(session) if session else None
    hinted = (logout.id_token_claims or {}).get("sub") if logout else None
    if logout is None or logout.needs_confirmation or logout.client is None or (found and hinted != found[0]):
        # Without proof that the client asking is the one this player logged into (its
        # id_token for this very user: anyone can hold an id_token of the game, their
        # own), a link on any site could log players out: ask the player instead (a
        # CSRF-protected form).
        return web.render(request, "account.html", {"user": None, "errors": [], "confirm_logout": True})
    if found:  # else already logged out here: nothing to end, straight back to the client
        await sessions.end(session)
        await backchannel.logged_out(server, found[0])
    if logout.redirect_uri:
        # Registered for this client, exactly (authlib checked it), with the state added.
        return web.redirect_signed_out(logout.redirect_uri)
    response = web.render(request, "account.html", {"user": None, "errors": [], "signed_out": True})
    response.delete_cookie(web.SESSION_COOKIE, path="/auth")
    return response
