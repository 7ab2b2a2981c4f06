"""Logging out at the provider logs out of the game: OpenID Connect Back-Channel Logout 1.0."""

from __future__ import annotations

import time
import uuid

import httpx2
import pytest

from tests.support.accounts import csrf_token
from tests.support.game_login import follow_redirects
from tests.support.oauth import AuthRequest, authorize, code_from, exchange, refresh, userinfo
from tests.support.players import Player
from tests.support.tokens import forge

pytestmark = pytest.mark.integration

EVENT = "http://schemas.openid.net/event/backchannel-logout"


def _log_out_at_the_provider(client: httpx2.Client) -> None:
    token = csrf_token(client, "/auth/account")
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 303


def test_logging_out_at_the_provider_ends_the_game_sessions_of_the_account(healthy_stack):
    base = healthy_stack.topology.public_url
    with Player(base) as player, httpx2.Client(base_url=base, timeout=10) as other_browser:
        assert player.today().status_code == 200
        # The same account logged into the game in a second browser (single sign-on with
        # the provider's session): a second, separate game session.
        other_browser.cookies.set("motus_auth_session", player.client.cookies["motus_auth_session"])
        follow_redirects(other_browser, other_browser.get("/login"))
        assert other_browser.cookies["motus_session"] != player.client.cookies["motus_session"]
        assert other_browser.get("/api/game/today").status_code == 200
        # A public client of the same account, with its own refresh token.
        request = AuthRequest()
        cli = exchange(base, code_from(authorize(player.client, request), request), request).json()
        _log_out_at_the_provider(player.client)
        # "Vous êtes déconnecté" now means it: the game no longer knows this browser.
        resp = player.today()
        assert resp.status_code == 401 and resp.json()["code"] == "login_required"
        assert other_browser.get("/api/game/today").status_code == 401
        # And the account's tokens are revoked: no refresh, no userinfo.
        assert refresh(base, cli["refresh_token"]).status_code == 400
        assert userinfo(base, cli["access_token"]).status_code == 401


def _claims(stack, **changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": f"{stack.topology.public_url}/auth",
        "aud": "motus-game",
        "sub": "nobody-" + uuid.uuid4().hex,
        "iat": now,
        "exp": now + 120,
        "jti": uuid.uuid4().hex,
        "events": {EVENT: {}},
    }
    return {k: v for k, v in {**claims, **changes}.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "header"),
    [
        ({}, {"typ": "JWT"}),  # an id_token is not a logout token
        ({"aud": "motus-cli"}, None),
        ({"iss": "http://evil.example/auth"}, None),
        ({"exp": int(time.time()) - 3600}, None),
        ({"events": None}, None),
        ({"nonce": "n"}, None),
        ({"jti": None}, None),
    ],
    ids=["id-token", "other-audience", "other-issuer", "expired", "no-event", "nonce", "no-jti"],
)
def test_the_game_refuses_a_logout_token_that_is_not_one(healthy_stack, changes, header):
    token = forge(healthy_stack, _claims(healthy_stack, **changes), {"typ": "logout+jwt", **(header or {})})
    resp = httpx2.post(f"{healthy_stack.topology.internal_url}/backchannel-logout", data={"logout_token": token},
                       timeout=5)  # fmt: skip
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_request"
    assert resp.headers["cache-control"] == "no-store"


def test_a_valid_logout_token_is_accepted_once_and_a_retry_changes_nothing(healthy_stack):
    token = forge(healthy_stack, _claims(healthy_stack), {"typ": "logout+jwt"})
    url = f"{healthy_stack.topology.internal_url}/backchannel-logout"
    assert httpx2.post(url, data={"logout_token": token}, timeout=5).status_code == 200
    assert httpx2.post(url, data={"logout_token": token}, timeout=5).status_code == 200


def test_the_public_side_does_not_route_back_channel_logout(healthy_stack):
    token = forge(healthy_stack, _claims(healthy_stack), {"typ": "logout+jwt"})
    resp = httpx2.post(f"{healthy_stack.topology.public_url}/backchannel-logout", data={"logout_token": token},
                       timeout=5)  # fmt: skip
    assert resp.status_code == 404
