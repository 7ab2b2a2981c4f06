"""Client credentials through HAProxy: the game's own token for recording results, and the
wall between it and the players' tokens (score:record never reaches a player)."""

from __future__ import annotations

import httpx2
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.support.oauth import AuthRequest, authorize, code_from, signed_in_browser, userinfo
from tests.support.tokens import request_service_token as _service_token

pytestmark = pytest.mark.integration

GAME = "motus-game"


@pytest.fixture
def base(healthy_stack) -> str:
    return healthy_stack.topology.public_url


@pytest.fixture
def game_auth(healthy_stack) -> tuple[str, str]:
    return GAME, healthy_stack.topology.secrets["AUTH_CLIENT_SECRET_MOTUS_GAME"]


def _verified_claims(base: str, token: str) -> dict:
    keys = KeySet.import_key_set(httpx2.get(f"{base}/auth/jwks", timeout=10).json())
    return jwt.decode(token, keys, algorithms=["RS256"]).claims


@pytest.mark.parametrize("form", [{}, {"scope": "score:record"}])
def test_game_client_gets_a_service_token_with_exactly_its_service_scope(base, game_auth, form):
    resp = _service_token(base, game_auth, **form)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["scope"] == "score:record" and body["token_type"] == "Bearer"
    assert "refresh_token" not in body and "id_token" not in body
    assert resp.headers["cache-control"] == "no-store"
    claims = _verified_claims(base, body["access_token"])
    assert claims["sub"] == GAME and claims["client_id"] == GAME and claims["scope"] == "score:record"
    assert claims["aud"] in ("motus-api", ["motus-api"]) and claims["iss"] == f"{base}/auth"
    assert "fam" not in claims and "auth_time" not in claims  # no player, no login behind it


def test_service_token_with_a_wrong_secret_is_refused(base):
    resp = _service_token(base, (GAME, "not-the-secret-" * 3))
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_client"


def test_public_client_cannot_get_a_service_token(base):
    resp = _service_token(base, None, client_id="motus-cli", scope="score:record")
    assert resp.status_code in (400, 401)
    assert resp.json()["error"] in ("invalid_client", "unauthorized_client")
    assert "access_token" not in resp.json()


@pytest.mark.parametrize("scope", ["openid", "score:read", "score:record openid", "score:record admin"])
def test_service_token_outside_the_service_scope_is_refused(base, game_auth, scope):
    resp = _service_token(base, game_auth, scope=scope)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_scope"


def _game_login(base: str, game_auth, scope: str) -> dict:
    """A player logs into the game: the game's code flow, asking for `scope`."""
    request = AuthRequest(client_id=GAME, redirect_uri=f"{base}/login/callback", scope=scope)
    browser, _ = signed_in_browser(base)
    try:
        code = code_from(authorize(browser, request), request)
    finally:
        browser.close()
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": request.redirect_uri}
    form["code_verifier"] = request.verifier
    resp = httpx2.post(f"{base}/auth/token", data=form, auth=game_auth, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_a_player_token_never_carries_score_record(base, game_auth):
    # The game's own code flow asking for everything, service scope included.
    tokens = _game_login(base, game_auth, "openid profile score:read score:record")
    claims = _verified_claims(base, tokens["access_token"])
    assert claims["sub"] != GAME and claims["client_id"] == GAME
    assert set(claims["scope"].split()) == {"openid", "profile", "score:read"} == set(tokens["scope"].split())
    # Nor by refreshing: asking for it is refused (and burns the refresh token, claimed first).
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    widened = httpx2.post(f"{base}/auth/token", data={**refresh, "scope": "score:record"}, auth=game_auth, timeout=10)
    assert widened.status_code == 400 and widened.json()["error"] == "invalid_scope"


def test_plain_refresh_keeps_score_read_without_score_record(base, game_auth):
    tokens = _game_login(base, game_auth, "openid score:read score:record")
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    rotated = httpx2.post(f"{base}/auth/token", data=refresh, auth=game_auth, timeout=10)
    assert rotated.status_code == 200, rotated.text
    assert _verified_claims(base, rotated.json()["access_token"])["scope"].split() == ["openid", "score:read"]


def test_userinfo_refuses_a_service_token(base, game_auth):
    token = _service_token(base, game_auth).json()["access_token"]
    resp = userinfo(base, token)
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"].startswith('Bearer error="invalid_token"')


def test_introspection_describes_a_service_token_as_active(base, game_auth):
    token = _service_token(base, game_auth).json()["access_token"]
    resp = httpx2.post(f"{base}/auth/introspect", data={"token": token}, auth=game_auth, timeout=10)
    assert resp.status_code == 200
    body = resp.json()
    assert body["active"] is True and body["scope"] == "score:record"
    assert body["sub"] == GAME and body["client_id"] == GAME
    # Another client learns nothing about it.
    other = httpx2.post(f"{base}/auth/introspect", data={"token": token, "client_id": "motus-cli"}, timeout=10)
    assert other.json() == {"active": False}


def test_discovery_lists_client_credentials_and_the_score_scopes(base):
    doc = httpx2.get(f"{base}/auth/.well-known/openid-configuration", timeout=10).json()
    assert "client_credentials" in doc["grant_types_supported"]
    assert {"score:read", "score:record"} <= set(doc["scopes_supported"])
    assert "password" not in doc["grant_types_supported"] and "implicit" not in doc["grant_types_supported"]
