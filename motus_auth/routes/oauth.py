"""The OAuth 2.0 / OpenID Connect endpoints. Thin: authlib does the protocol."""

from __future__ import annotations

import time
from urllib.parse import urlencode, urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from motus_auth import web
from motus_auth.deps import AccountsDep, SessionsDep
from motus_auth.oauth import access_tokens, requests
from motus_auth.oauth.clients import SCOPES
from motus_auth.oauth.grants import user_info
from motus_auth.oauth.principal import Principal
from motus_auth.oauth.server import MotusAuthorizationServer
from motus_kit.jwt_verify import Expected, TokenKind, TokenRejected, verify

router = APIRouter(prefix="/auth", tags=["oauth"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
CLIENT_AUTH = ["client_secret_basic", "client_secret_post", "none"]


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
            "token_endpoint_auth_methods_supported": CLIENT_AUTH,
            "revocation_endpoint_auth_methods_supported": CLIENT_AUTH,
            "introspection_endpoint_auth_methods_supported": CLIENT_AUTH,
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name", "preferred_username"],
            "authorization_response_iss_parameter_supported": True,
        }
    )


@router.get("/jwks", summary="The provider's public signing keys")
async def jwks(request: Request) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(_server(request).signing_keys.jwks))


@router.get("/authorize", summary="Authorization endpoint (code flow, PKCE S256, OpenID Connect)")
async def authorize(request: Request, sessions: SessionsDep, accounts: AccountsDep) -> Response:
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
    if principal and _must_log_in_again(data.get("prompt"), data.get("max_age"), principal.auth_time):
        # prompt=login or a login older than max_age: the player proves it is them again.
        await sessions.end(session)
        principal = None
    if principal is None:
        # Log in first, then come back here with the same request (minus prompt=login,
        # which the fresh login has just satisfied).
        query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "prompt"])
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


@router.post("/token", summary="Token endpoint")
async def token(request: Request) -> Response:
    server = _server(request)
    oauth_request = await _oauth_request(request)
    return await run_in_threadpool(server.create_token_response, oauth_request)


def _bearer_error(status: int, error: str, description: str) -> JSONResponse:
    header = f'Bearer error="{error}", error_description="{description}"'
    return JSONResponse({"error": error, "error_description": description}, status, {"WWW-Authenticate": header})


async def _verified(request: Request, token: str) -> access_tokens.AccessToken | None:
    server = _server(request)
    keys = await run_in_threadpool(server.signing_keys.public_set)
    found = access_tokens.verify(token, keys, server.issuer)
    if found is None:
        # A key rotated on the other replica: re-read the keys once.
        keys = await run_in_threadpool(server.signing_keys.public_set, True)
        found = access_tokens.verify(token, keys, server.issuer)
    if found and found.family and await run_in_threadpool(server.tokens.family_revoked, found.family):
        return None
    return found


@router.api_route("/userinfo", methods=["GET", "POST"], summary="OpenID Connect userinfo")
async def userinfo(request: Request, accounts: AccountsDep) -> Response:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return _bearer_error(401, "invalid_request", "Bearer access token required")
    found = await _verified(request, token.strip())
    if found is None:
        return _bearer_error(401, "invalid_token", "The access token is invalid, expired or revoked")
    if not found.for_a_player:
        # A client-credentials token: there is no user to describe.
        return _bearer_error(401, "invalid_token", "The access token does not stand for a user")
    if "openid" not in found.get_scope().split():
        return _bearer_error(403, "insufficient_scope", "The openid scope is required")
    user = await accounts.by_id(found.claims["sub"])
    if user is None:
        return _bearer_error(401, "invalid_token", "The account no longer exists")
    principal = Principal(user.id, user.username, 0, "")
    return JSONResponse(dict(user_info(principal, found.get_scope())), headers=NO_STORE)


async def _client_and_token(request: Request, endpoint: str):
    server = _server(request)
    oauth_request = await _oauth_request(request)
    client = await run_in_threadpool(server.authenticate_client, oauth_request, CLIENT_AUTH, endpoint)
    value = oauth_request.form.get("token")
    if not value:
        raise InvalidRequestError("Missing 'token'.")
    return server, oauth_request, client, value


@router.post("/revoke", summary="Token revocation (RFC 7009)")
async def revoke(request: Request) -> Response:
    try:
        server, _, client, value = await _client_and_token(request, "revocation")
    except OAuth2Error as error:
        return server_error(request, error)
    stored = await run_in_threadpool(server.tokens.peek_refresh, value)
    family = None
    if stored and stored.client_id == client.get_client_id():
        family = stored.family
    elif (found := await _verified(request, value)) and found.check_client(client):
        family = found.family
    if family:
        # Revoking one token of a login revokes all of them (RFC 7009 section 2.1 allows it).
        await run_in_threadpool(server.tokens.revoke_family, family)
    # 200 whatever the token was: a client learns nothing about tokens not its own.
    return JSONResponse({}, headers=NO_STORE)


@router.post("/introspect", summary="Token introspection (RFC 7662)")
async def introspect(request: Request) -> Response:
    try:
        server, _, client, value = await _client_and_token(request, "introspection")
    except OAuth2Error as error:
        return server_error(request, error)
    inactive = JSONResponse({"active": False}, headers=NO_STORE)
    stored = await run_in_threadpool(server.tokens.peek_refresh, value)
    if stored:
        revoked = await run_in_threadpool(server.tokens.family_revoked, stored.family)
        if stored.used or revoked or stored.client_id != client.get_client_id():
            return inactive
        body = {"active": True, "token_type": "refresh_token", "client_id": stored.client_id}
        return JSONResponse({**body, "sub": stored.user_id, "scope": stored.scope}, headers=NO_STORE)
    found = await _verified(request, value)
    if found is None or not found.check_client(client):
        return inactive
    claims = {k: found.claims[k] for k in ("sub", "scope", "client_id", "exp", "iat", "iss", "aud", "jti")}
    return JSONResponse({"active": True, "token_type": "Bearer", **claims}, headers=NO_STORE)


def server_error(request: Request, error: OAuth2Error) -> Response:
    status, body, headers = error()
    return JSONResponse(body, status, {**dict(headers), **NO_STORE})


async def _hint_is_ours(request: Request, hint: str | None, client_id: str) -> bool:
    """An id_token we issued to this client (expired is fine: it only names the session)."""
    if not hint:
        return False
    server = _server(request)
    keys = await run_in_threadpool(server.signing_keys.public_set, True)
    try:
        verify(hint, keys, Expected(server.issuer, client_id, TokenKind.ID, check_expiry=False))
    except TokenRejected:
        return False
    return True


@router.get("/end-session", response_class=HTMLResponse, summary="RP-initiated logout")
async def end_session(request: Request, sessions: SessionsDep) -> Response:
    server = _server(request)
    params = request.query_params
    client = server.clients.get(params.get("client_id", ""))
    target = params.get("post_logout_redirect_uri")
    if not client or not await _hint_is_ours(request, params.get("id_token_hint"), client.client_id):
        # Without proof that the client asking is the one the player logged into, a
        # link on any site could log players out: ask the player instead (a CSRF-protected form).
        return web.render(request, "account.html", {"user": None, "errors": [], "confirm_logout": True})
    session = web.session_id(request)
    if session:
        await sessions.end(session)
    if target and target in client.post_logout_redirect_uris:
        # Exact match only, like redirect_uri: never an open redirect.
        state = params.get("state")
        location = target + ("?" + urlencode({"state": state}) if state else "")
        return web.redirect_signed_out(location)
    response = web.render(request, "account.html", {"user": None, "errors": [], "signed_out": True})
    response.delete_cookie(web.SESSION_COOKIE, path="/auth")
    return response
