"""An OAuth client's side of the flow, for tests: PKCE, the authorize dance, the token exchange."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2

from tests.support.accounts import login, new_username, register

CLI = "motus-cli"
CLI_REDIRECT = "http://127.0.0.1:8765/callback"


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


@dataclass
class AuthRequest:
    client_id: str = CLI
    redirect_uri: str = CLI_REDIRECT
    scope: str = "openid profile"
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    method: str | None = "S256"
    extra: dict = field(default_factory=dict)

    def query(self) -> str:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": self.state,
            "nonce": self.nonce,
        }
        if self.method == "S256":
            params |= {"code_challenge": s256(self.verifier), "code_challenge_method": "S256"}
        elif self.method == "plain":
            params |= {"code_challenge": self.verifier, "code_challenge_method": "plain"}
        return urlencode({**params, **self.extra})


def signed_in_browser(base_url: str) -> tuple[httpx2.Client, str]:
    """A browser with a fresh account, logged in at the provider."""
    client = httpx2.Client(base_url=base_url, timeout=10)
    name = new_username()
    assert register(client, name).status_code == 303
    return client, name


def authorize(browser: httpx2.Client, request: AuthRequest) -> httpx2.Response:
    return browser.get(f"/auth/authorize?{request.query()}")


def code_from(resp: httpx2.Response, request: AuthRequest) -> str:
    assert resp.status_code in (302, 303), resp.text
    location = resp.headers["location"]
    assert location.startswith(request.redirect_uri + "?"), location
    params = parse_qs(urlsplit(location).query)
    assert params["state"] == [request.state]
    return params["code"][0]


def exchange(base_url: str, code: str, request: AuthRequest, verifier: str | None = "same", **extra) -> httpx2.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": request.redirect_uri}
    form["client_id"] = request.client_id
    if verifier == "same":
        form["code_verifier"] = request.verifier
    elif verifier is not None:
        form["code_verifier"] = verifier
    return httpx2.post(f"{base_url}/auth/token", data={**form, **extra}, timeout=10)


def refresh(base_url: str, refresh_token: str, client_id: str = CLI) -> httpx2.Response:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    return httpx2.post(f"{base_url}/auth/token", data=form, timeout=10)


def userinfo(base_url: str, access_token: str) -> httpx2.Response:
    return httpx2.get(f"{base_url}/auth/userinfo", headers={"Authorization": f"Bearer {access_token}"}, timeout=10)


def login_again(browser: httpx2.Client, name: str) -> None:
    browser.cookies.clear()
    assert login(browser, name).status_code == 303
